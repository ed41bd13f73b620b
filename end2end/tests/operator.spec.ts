import { expect, test, expectAccessible, login, settled, unique } from './helpers';

test('an operator creates a tenant and changes its plan', async ({ page }, testInfo) => {
  const slug = `e2e-${unique(testInfo)}`;
  await login(page, 'admin@operator.demo');
  await page.goto('/tenants');
  await settled(page);
  await page.getByLabel('Name', { exact: true }).fill(`E2E ${slug}`);
  await page.getByLabel('Slug').fill(slug);
  await page.getByLabel('Plan', { exact: true }).selectOption('enterprise');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  const row = page.getByTestId('tenant-row').filter({ hasText: slug });
  await expect(row).toBeVisible();
  await expect(row.getByRole('combobox')).toHaveValue('enterprise');

  await row.getByRole('combobox').selectOption('pro');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('tenant-row').filter({ hasText: slug }).getByRole('combobox')).toHaveValue('pro');
  await expectAccessible(page);

  // Suspending asks first and says what it does; reactivating does not need to.
  await row.getByText('Suspend…').click();
  await expect(row.getByTestId('confirm')).toContainText('users are locked out and its API keys refused');
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: `Suspend E2E ${slug}` }).click();
  await expect(page.getByTestId('tenant-row').filter({ hasText: slug })).toContainText('Suspended');
  await page.getByTestId('tenant-row').filter({ hasText: slug }).getByRole('button', { name: `Reactivate E2E ${slug}` }).click();
  await expect(page.getByTestId('tenant-row').filter({ hasText: slug })).toContainText('Active');
});

test('a taken slug is refused with a message naming the field', async ({ page }) => {
  await login(page, 'admin@operator.demo');
  await page.goto('/tenants');
  await settled(page);
  await page.getByLabel('Name', { exact: true }).fill('Another Globex');
  await page.getByLabel('Slug').fill('globex');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('alert')).toContainText("Slug: 'globex' is already taken");
});
