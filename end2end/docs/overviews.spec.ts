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
