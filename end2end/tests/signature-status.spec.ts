import { expect, expectAccessible, login, settled, test } from './helpers';

test('an auditor opens signature status, sees the one failing repo among passing ones, and nothing that changes state', async ({ page }) => {
  await login(page, 'auditor@audit.demo', '/audits');
  await page.goto('/signature-status');
  await page.getByRole('link', { name: 'Signature status' }).click();
  await expect(page).toHaveURL(/\/signature-status$/);
  await settled(page);

  // This spec's own portal holds the demo data alone: five Acme and Globex repositories,
  // four signed and one whose latest bundle failed.
  const rows = page.getByTestId('repo-row');
  await expect(rows).toHaveCount(5);
  await expect(rows.and(page.locator('[data-state="signed"]'))).toHaveCount(4);
  const failing = page.locator('[data-testid="repo-row"][data-state="failed"]');
  await expect(failing).toHaveCount(1);
  await expect(failing).toContainText('acme/robot-docs');
  await expect(failing).toContainText('signature_mismatch');
  // Adoption = signed / active = 4 / 5.
  await expect(page.getByTestId('adoption')).toHaveText('80.0%');
  await expect(page.getByRole('img', { name: 'Policy adoption badge: 80.0%' })).toBeVisible();
  await expect(page.locator('[data-testid="pack-row"][data-state="failed"]').filter({ hasText: 'acme/' })).toContainText('acme/robot-firmware@v2.3.9');

  // Read-only: inside the page, no form posts and the only button filters (a GET).
  const main = page.locator('main');
  await expect(main.locator('form[method="post" i]')).toHaveCount(0);
  await expect(main.getByRole('button')).toHaveCount(1);
  await expect(main.getByRole('button')).toHaveText('Filter');

  await page.getByLabel('Show').selectOption('failing');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/show=failing/);
  await expect(rows).toHaveCount(1);
  await expect(rows.and(page.locator('[data-state="signed"]'))).toHaveCount(0);
  await expectAccessible(page);

  const csv = await (await page.request.get('/signature-status/export.csv?show=failing')).text();
  expect(csv).toMatch(/^kind,tenant,repo,/);
  expect(csv).toContain('policy_bundle,acme-robotics,acme/robot-docs,');
});
