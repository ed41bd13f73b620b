import { expect, expectAccessible, login, test, unique } from './helpers';

test('an operator creates a tenant user and promotes them', async ({ page }, testInfo) => {
  const email = `new-${unique(testInfo)}@acme.demo`;
  await login(page, 'admin@operator.demo');
  await page.goto('/users');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Name').fill('New Person');
  await page.getByLabel('Role', { exact: true }).selectOption('tenant_member');
  await page.getByLabel('Initial password').fill('a-long-enough-password');
  await page.getByLabel('Tenant slug (tenant roles)').fill('acme-robotics');
  await page.getByRole('button', { name: 'Create user' }).click();
  const row = page.getByTestId('user-row').filter({ hasText: email });
  await expect(row).toContainText('Acme Robotics');
  await expect(row.getByRole('combobox', { name: `Role of ${email}` })).toHaveValue('tenant_member');
  await expect(page.getByRole('status').filter({ hasText: 'User created.' })).toBeVisible();
  // The form is emptied for the next user.
  await expect(page.getByLabel('E-mail')).toHaveValue('');

  await row.getByRole('combobox').selectOption('tenant_admin');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('user-row').filter({ hasText: email }).getByRole('combobox')).toHaveValue('tenant_admin');
  // One message at a time: the role change's, not the creation's beside it.
  await expect(page.getByRole('status').filter({ hasText: 'Role changed.' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'User created.' })).toHaveCount(0);
  // Operator roles are not offered for a tenant's user, and your own role is not editable.
  await expect(row.getByRole('option', { name: 'Operator admin' })).toHaveCount(0);
  await expect(page.getByTestId('user-row').filter({ hasText: 'admin@operator.demo' }).getByRole('combobox')).toHaveCount(0);
  await expectAccessible(page);
});
