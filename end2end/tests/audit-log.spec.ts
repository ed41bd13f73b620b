import { expect, expectAccessible, login, settled, test } from './helpers';

test('security filters the audit log by action and actor, and exports exactly what is shown', async ({ page }) => {
  await login(page, 'security@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/audit-log$/);
  await settled(page);
  await expect(page.getByTestId('chain-status')).toContainText('Hash chain verified');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();

  // An action's start matches every action under it; the filter is in the URL, so it is a link.
  await page.getByLabel('Action').fill('invoice');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/\/audit-log\?.*action=invoice/);
  const rows = page.getByTestId('audit-row');
  await expect(rows.first()).toContainText('invoice.issued');
  for (const row of await rows.all()) await expect(row).toContainText('invoice.issued');
  await expect(page.getByLabel('Action')).toHaveValue('invoice');
  await expectAccessible(page);

  const shown = await rows.count();
  const csv = await page.request.get((await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines[0]).toBe('seq,time_utc,actor,action,target,detail,hash_prefix');
  expect(lines.slice(1).every((l) => l.includes(',invoice.issued,'))).toBe(true);
  expect(lines.length - 1).toBe(shown);

  // Nothing matches: the page says so and how to get back.
  await page.getByLabel('Actor').fill('nobody@example.com');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByTestId('audit-empty')).toContainText('No entries match these filters');
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/audit-log$/);
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
});

test('a day that does not exist is refused in words, and the form keeps what was typed', async ({ page }) => {
  await login(page, 'admin@operator.demo');
  await page.goto('/audit-log?from=2026-02-30&action=login');
  await settled(page);
  await expect(page.getByRole('alert')).toContainText('From: "2026-02-30" is not a date');
  await expect(page.getByLabel('Action')).toHaveValue('login');
});
