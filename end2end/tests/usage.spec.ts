import { expect, expectAccessible, jsOn, login, settled, test } from './helpers';

test('finance sees both demo tenants on their plans with invoices, reconciled, and can export them', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/usage$/);

  const acme = page.getByRole('region', { name: 'Acme Robotics (acme-robotics)' });
  await expect(acme).toContainText('plan pro');
  await expect(acme.getByTestId('invoice-line').filter({ hasText: 'attestation.verify' })).toContainText('$0.005');
  // Acme's newest release pack verifies, so its Pro features are on.
  await expect(acme.getByTestId('entitlements')).toContainText('Pro features active: Webhooks, Policy bundles');
  await expect(acme.getByTestId('entitlements')).toContainText('release pack acme/robot-firmware@v2.4.0 (verified)');
  const globex = page.getByRole('region', { name: 'Globex (globex)' });
  await expect(globex).toContainText('plan starter');
  await expect(globex.getByTestId('entitlements')).toContainText('Starter features active: Webhooks');
  // The demo seeds 15 verified calls for Globex: 15 x $0.01.
  await expect(globex.getByTestId('invoice-total')).toHaveText('$0.15');
  await expect(page.getByTestId('reconciliation-status')).toHaveText('clean');
  await expect(page.getByTestId('dlq-depth')).toHaveText('0');
  await expect(globex.getByRole('img', { name: /verifications per minute/ })).toBeVisible();
  // Usage per day: a bar for every day of the month, the figures in words.
  const month = new Date().toISOString().slice(0, 7);
  const days = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  const daily = globex.getByTestId('daily-usage-chart');
  await expect(daily.locator('g[data-day]')).toHaveCount(days);
  await expect(daily.getByRole('img')).toHaveAccessibleName(new RegExp(`Usage per day in ${month}: 15 verification`));
  await expectAccessible(page);

  const csvLink = page.getByRole('link', { name: 'Export invoices (CSV)' });
  const csv = await (await page.request.get((await csvLink.getAttribute('href'))!)).text();
  expect(csv).toMatch(/^period,tenant,plan,event,units,unit_price_usd,amount_usd,adjustment_of,status\n/);
  expect(csv).toMatch(/,globex,starter,total,,,0\.15,,draft\n/);
});

test('a tenant admin sees only its own usage, and a month picker changes the period', async ({ page }) => {
  await login(page, 'admin@globex.demo');
  await page.goto('/usage');
  await settled(page);
  await expect(page.getByTestId('tenant-usage')).toHaveCount(1);
  await expect(page.getByRole('region', { name: 'Globex (globex)' })).toBeVisible();
  await expect(page.getByText('Your tenant')).toBeVisible();

  await page.getByLabel('Month').fill('2026-04');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/period=2026-04/);
  await expect(page.getByText('2026-04: only verified calls are billed')).toBeVisible();
  await expect(page.getByTestId('invoice-total')).toHaveText('$0.00');
  await expect(page.getByTestId('daily-usage-empty')).toHaveText('No usage in 2026-04.');
});

test('an operator admin adds a price version for a coming month; past months are refused', async ({ page }, testInfo) => {
  await login(page, 'admin@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prices' }).click();
  await expect(page).toHaveURL(/\/prices$/);
  await settled(page);
  const now = new Date();
  // One month per project (both run against the same portal; a month takes one version).
  const ahead = jsOn(testInfo) ? 1 : 2;
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1)).toISOString().slice(0, 7);
  await page.getByLabel('Plan').selectOption('enterprise');
  await page.getByLabel('Event').selectOption('attestation.verify');
  await page.getByLabel('Price per unit (USD)').fill('0.002');
  await page.getByLabel('From month').fill(next);
  await page.getByRole('button', { name: 'Add version' }).click();
  await expect(page.getByTestId('price-row').filter({ hasText: next })).toContainText('$0.002');

  await settled(page);
  await page.getByLabel('Price per unit (USD)').fill('0.002');
  await page.getByLabel('From month').fill('2020-01');
  await page.getByRole('button', { name: 'Add version' }).click();
  await expect(page.getByRole('alert')).toContainText('has ended');
  await expectAccessible(page);
});
