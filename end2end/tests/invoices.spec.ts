import { expect, expectAccessible, login, settled, test } from './helpers';

test('finance opens the issued demo invoice: numbered, lines in words, printable, downloadable', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Invoices' }).click();
  await expect(page).toHaveURL(/\/invoices$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Invoices' })).toBeVisible();
  // Every tenant has this month's draft; Acme's last month is issued.
  await expect(page.getByTestId('invoice-row').filter({ hasText: 'Globex' })).toHaveAttribute('data-status', 'draft');
  const issued = page.locator('[data-testid="invoice-row"][data-status="issued"]').filter({ hasText: 'Acme Robotics' });
  await expect(issued).toHaveCount(1);
  await expect(issued).toContainText(/INV-\d{4}-\d{2}-ACME-ROBOTICS/);
  await expect(issued).toContainText('$0.20');
  await expectAccessible(page);

  await issued.getByRole('link').click();
  await expect(page).toHaveURL(/\/invoices\/acme-robotics\/\d{4}-\d{2}$/);
  await settled(page);
  const invoice = page.getByTestId('invoice-document');
  await expect(invoice.getByRole('heading', { level: 1 })).toHaveText(/^INV-\d{4}-\d{2}-ACME-ROBOTICS$/);
  await expect(page).toHaveTitle(/^INV-.* · Trust Portal$/);
  await expect(invoice.getByTestId('invoice-status')).toHaveText('Issued');
  await expect(invoice).toContainText('Billed to Acme Robotics (acme-robotics)');
  // Acme moved from Starter to Pro on the 10th: each call is billed at the plan it was made on.
  const lines = invoice.getByTestId('invoice-line');
  await expect(lines.filter({ hasText: 'Attestation verifications on Starter' })).toHaveText(/^Attestation verifications on Starter, 10 x \$0\.01\s*\$0\.10$/);
  await expect(lines.filter({ hasText: 'Attestation verifications on Pro' })).toHaveText(/^Attestation verifications on Pro, 20 x \$0\.005\s*\$0\.10$/);
  await expect(invoice.getByTestId('invoice-total')).toHaveText('$0.20');
  await expectAccessible(page);

  // The downloads are the document on screen.
  const csv = await page.request.get((await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href'))!);
  expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="invoice-\d{4}-\d{2}-acme-robotics\.csv"$/);
  const rows = await csv.text();
  expect(rows).toMatch(/,acme-robotics,starter,attestation\.verify,10,0\.01,0\.10,,issued\n/);
  expect(rows).toMatch(/,acme-robotics,pro,attestation\.verify,20,0\.005,0\.10,,issued\n/);
  const json = await (await page.request.get((await page.getByRole('link', { name: 'Download JSON' }).getAttribute('href'))!)).json();
  expect(json.invoices[0].total).toBe(20);

  // Printed, only the invoice shows: no navigation, no buttons.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('link', { name: 'Download CSV' })).toBeHidden();
  await expect(invoice).toBeVisible();
});

test('on a phone a tenant admin sees only its own invoices, and its draft says so', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'admin@globex.demo');
  await page.goto('/invoices');
  await settled(page);
  const rows = page.getByTestId('invoice-row');
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText('Globex');
  await expect(page.getByRole('main')).not.toContainText('Acme');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'the table scrolls inside its card, not the page').toBeLessThanOrEqual(0);
  await expectAccessible(page);

  await rows.first().getByRole('link').click();
  await settled(page);
  const invoice = page.getByTestId('invoice-document');
  await expect(invoice.getByTestId('invoice-status')).toHaveText('Draft');
  await expect(invoice).toContainText('Draft: ');
  await expect(invoice.getByTestId('invoice-line').first()).toContainText('Attestation verifications, 15 x $0.01');

  // Another tenant's invoice reads as not found.
  await page.goto('/invoices/acme-robotics/2026-11');
  await expect(page.getByRole('alert')).toContainText('Invoice not found');
});

test('the usage month picker shows the month on screen, and a month to come says it has not started', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.goto('/usage');
  await settled(page);
  const month = new Date().toISOString().slice(0, 7);
  await expect(page.getByLabel('Month')).toHaveValue(month);
  await page.getByLabel('Month').fill('2099-01');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/period=2099-01/);
  await expect(page.getByRole('alert')).toContainText('2099-01 has not started yet');
  await expect(page.getByLabel('Month')).toHaveValue('2099-01');
});
