import { generateKeyPairSync, sign } from 'node:crypto';
import { expect, expectAccessible, login, settled, test } from './helpers';

test('a tenant sees its packs with every check, and its receipts', async ({ page }) => {
  await login(page, 'member@acme.demo');
  await page.goto('/packs');
  const good = page.getByRole('region', { name: 'acme/robot-firmware@v2.4.0' });
  await expect(good).toContainText('verified');
  // The org policy inside the pack, checked with the org's signers (not the release key).
  const policy = good.getByTestId('pack-check').filter({ hasText: 'policy.tar.gz signed by the organisation (policy.sig)' });
  await expect(policy).toContainText('passed');
  await expect(policy).toContainText('org policy v3 signed by the org workflow');
  const bad = page.getByRole('region', { name: 'acme/robot-firmware@v2.3.9' });
  await expect(bad).toContainText('failed (digest_mismatch)');
  await expect(bad.getByTestId('pack-check').filter({ hasText: 'sbom.spdx.json digest' })).toContainText('failed');
  await expectAccessible(page);

  await page.goto('/receipts');
  // Receipt volume per day, by whether the key that signed them still signs, in words too.
  const chart = page.getByTestId('receipts-chart');
  await expect(chart.getByRole('img')).toHaveAccessibleName(/Receipts issued per day over the last 30 days: [1-9]\d* signed by the current key, 0 by retired keys/);
  const receipt = page.getByTestId('receipt-row').last(); // the demo seed's, oldest
  await receipt.locator('summary').click();
  await expect(receipt.locator('pre')).toContainText('"payloadType": "application/vnd.in-toto+json"');
  const [download] = await Promise.all([page.waitForEvent('download'), receipt.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^ver_[0-9a-z]{26}\.intoto\.json$/);
  await expectAccessible(page);
});

test('the Verify page lists each check, or names the reason it failed', async ({ page }) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const artifact = 'hello from the portal';
  const signature = sign('sha256', Buffer.from(artifact), privateKey).toString('base64');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await login(page, 'admin@acme.demo');
  await page.goto('/verify');

  await page.getByLabel('Artifact (text)').fill(artifact);
  await page.getByLabel('Signature, bundle or envelope').fill(signature);
  await page.getByLabel('Public key (PEM)').fill(pem);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('check-passed')).toContainText('signature matches the artifact and the key');
  await settled(page); // the answer is a new page: hydrated, it keeps what is typed next

  await page.getByLabel('Artifact (text)').fill(`${artifact} (tampered)`);
  await page.getByLabel('Signature, bundle or envelope').fill(signature);
  await page.getByLabel('Public key (PEM)').fill(pem);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('check-failed')).toContainText('signature_mismatch');
  await expectAccessible(page);
});
