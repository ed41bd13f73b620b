import { expect, expectAccessible, jsOn, login, settled, test, unique } from './helpers';

test('a tenant admin creates a key, uses it, and revokes it', async ({ page, request }, testInfo) => {
  const name = `ci-${unique(testInfo)}`;
  await login(page, 'admin@acme.demo');
  await page.goto('/keys');
  await settled(page);
  // Hydrated: the form is handled in place, without a full page load.
  await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same document'));
  await page.getByLabel('Key name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('new-key-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^tpk_[0-9a-f]{64}$/);
  await expect(page.getByLabel('Key name')).toHaveValue('');
  const marker = await page.evaluate(() => (window as unknown as { marker?: string }).marker);
  expect(marker).toBe(jsOn(testInfo) ? 'same document' : undefined);
  await expectAccessible(page);

  const ok = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).tenant.slug).toBe('acme-robotics');

  // Shown once: a reload no longer shows it.
  await page.goto('/keys');
  await expect(page.getByTestId('new-key-secret')).toHaveCount(0);

  const row = page.getByTestId('key-row').filter({ hasText: name });
  // Revoking asks first: the warning says what happens, and nothing is sent before the confirming button.
  await expect(row.getByRole('button', { name: `Revoke ${name}` })).toBeHidden();
  await row.getByText('Revoke…').click();
  await expect(row.getByTestId('confirm')).toContainText(`Calls with ${name} stop working at once. This cannot be undone.`);
  expect((await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } })).status()).toBe(200);
  await expectAccessible(page);
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(page.getByTestId('key-row').filter({ hasText: name })).toContainText('Revoked');
  const refused = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
});
