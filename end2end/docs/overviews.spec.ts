// Screenshots of each role's overview and of an issued invoice on a fresh demo portal, for the README
// (docs/screenshots/). Run: cd end2end && playwright test -c docs.config.ts
import { resolve } from 'node:path';
import { expect, login, test } from '../tests/helpers';

const OUT = resolve(__dirname, '..', '..', 'docs', 'screenshots');
const ROLES = ['admin@operator.demo', 'security@operator.demo', 'finance@operator.demo', 'auditor@audit.demo', 'admin@acme.demo', 'member@acme.demo'];

for (const email of ROLES) {
  test(`the overview of ${email}`, async ({ page }) => {
    await login(page, email);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    const name = email.replace('@', '-').replace('.demo', '');
    await page.screenshot({ path: `${OUT}/overview-${name}.png`, fullPage: true });
    if (email === 'admin@acme.demo') {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: `${OUT}/overview-${name}-phone.png`, fullPage: true });
    }
  });
}

test('the issued demo invoice', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.goto('/invoices');
  await page.locator('[data-testid="invoice-row"][data-status="issued"]').first().getByRole('link').click();
  await expect(page.getByTestId('invoice-status')).toHaveText('Issued');
  await page.screenshot({ path: `${OUT}/invoice-acme-issued.png`, fullPage: true });
});

test('the Verify page: a failed check in words and a receipt verified in the browser', async ({ page }) => {
  await login(page, 'member@acme.demo');
  await page.goto('/receipts');
  const row = page.getByTestId('receipt-row').first();
  await row.locator('summary').click();
  const receipt = await row.locator('pre').textContent();
  // The deliberate failure: the example whose file changed after signing.
  await page.goto('/verify?example=tampered');
  await page.waitForLoadState('networkidle');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('check-failed')).toBeVisible();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Receipt (DSSE envelope JSON)').fill(receipt ?? '');
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  await expect(page.getByTestId('receipt-verified')).toBeVisible();
  await page.screenshot({ path: `${OUT}/verify-member-acme.png`, fullPage: true });
});
