import { generateKeyPairSync, sign } from 'node:crypto';
import { expect, expectAccessible, login, settled, test, unique } from './helpers';

test('a tenant sees its verified and rejected API calls', async ({ page, request }, testInfo) => {
  await login(page, 'admin@acme.demo');
  await page.goto('/keys');
  await settled(page);
  await page.getByLabel('Key name').fill(`verify-${unique(testInfo)}`);
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key-secret').textContent())?.trim() ?? '';

  // A cosign-style signature: DER ECDSA P-256 over SHA-256 of the artifact, base64.
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const artifact = Buffer.from(`release ${unique(testInfo)}`);
  const body = (data: Buffer) => ({
    kind: 'cosign_blob',
    artifact: { base64: data.toString('base64') },
    signature: sign('sha256', artifact, privateKey).toString('base64'),
    public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  const headers = { Authorization: `Bearer ${key}` };
  expect((await request.post('/api/v1/verify', { headers, data: body(artifact) })).status()).toBe(200);
  const rejected = await request.post('/api/v1/verify', { headers, data: body(Buffer.from('tampered')) });
  expect(rejected.status()).toBe(422);

  await page.goto('/verifications');
  const rows = page.getByTestId('verification-row');
  await expect(rows.first()).toContainText('rejected (signature_mismatch)');
  await expect(rows.nth(1)).toContainText('verified');
  await expect(rows.nth(1)).toContainText('cosign_blob');
  await expectAccessible(page);
});
