import { expect, expectAccessible, login, settled, test } from './helpers';

test("a tenant admin sees the demo's dead webhook message from the overview and finds it by state", async ({ page }) => {
  await login(page, 'admin@acme.demo');
  // The overview asks for it and links to where it is fixed.
  const item = page.getByTestId('attention-item').filter({ hasText: 'webhook message(s) undelivered' });
  await expect(item).toHaveAttribute('data-tone', 'bad');
  await item.getByRole('link').click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await settled(page);
  await expect(page.getByTestId('webhook-message')).toHaveCount(3);

  await page.getByLabel('Status').selectOption('dead');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/\/webhooks\?status=dead&q=/);
  const dead = page.getByTestId('webhook-message');
  await expect(dead).toHaveCount(1);
  await expect(dead).toContainText('pack.failed');
  await expect(dead).toContainText('HTTP 503');
  await expect(dead.getByRole('cell').nth(3)).toHaveText('7');
  // Fixing the receiver and pressing Replay sends it again with the same webhook-id.
  await expect(dead.getByRole('button', { name: 'Replay' })).toBeVisible();
  await expectAccessible(page);
});
