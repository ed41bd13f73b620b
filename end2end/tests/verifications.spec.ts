import { generateKeyPairSync, sign } from 'node:crypto';
import { expect, expectAccessible, jsOn, login, settled, test, unique } from './helpers';

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
  // The chart above draws today's calls as a bar and says the totals in words.
  const today = new Date().toISOString().slice(0, 10);
  const chart = page.getByTestId('calls-chart');
  await expect(chart.locator(`g[data-day="${today}"]`)).toHaveCount(1);
  await expect(chart.getByRole('img')).toHaveAccessibleName(/calls per day over the last 30 days: \d+ verified, [1-9]\d* rejected/);
  await expectAccessible(page);

  // From the verification to its receipt, the usage event that metered it and the invoice that bills it.
  await rows.nth(1).getByRole('link', { name: 'receipt' }).click();
  await expect(page).toHaveURL(/\/receipts\?q=ver_/);
  const receipt = page.getByTestId('receipt-row');
  await expect(receipt).toHaveCount(1);
  await expect(receipt.getByLabel(/^Signed receipt ver_/)).toBeVisible();
  await expect(receipt.getByTestId('receipt-billed')).toContainText('evt_');
  // The digest is shown cut short but is whole underneath; with JavaScript a button copies it.
  await expect(receipt.getByTestId('short-id')).toHaveText(/^[0-9a-f]{64}$/);
  const copy = receipt.getByRole('button', { name: 'Copy subject digest' });
  if (jsOn(testInfo)) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await copy.click();
    await expect(copy).toHaveText('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    await expect(receipt.getByTestId('short-id')).toHaveText(copied);
  } else {
    await expect(copy).toHaveCount(0);
  }
  const month = new Date().toISOString().slice(0, 7);
  await receipt.getByRole('link', { name: `invoice ${month}` }).click();
  await expect(page).toHaveURL(new RegExp(`/invoices/acme-robotics/${month}$`));
  await expect(page.getByTestId('invoice-number')).toHaveText(`Draft invoice, ${month}`);
});
