import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, expectAccessible, jsOn, login, settled, test } from './helpers';

const EXAMPLES = resolve(__dirname, '..', '..', 'app', 'src', 'domain', 'verify_examples');
const example = (name: string) => readFileSync(resolve(EXAMPLES, name));

test('the Verify page loads an example, checks uploaded files and keeps the form', async ({ page }) => {
  await login(page, 'member@acme.demo');
  await page.goto('/verify');
  await settled(page);

  // A deliberate failure: the example whose file changed after signing.
  await page.getByRole('link', { name: 'A file changed after signing' }).click();
  await expect(page.getByLabel('Artifact (text)')).toHaveValue(/version 1\.4\.3/);
  await settled(page);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  const failed = page.getByTestId('check-failed');
  await expect(failed).toContainText('Not verified: The signature does not match this artifact and key.');
  await expect(failed).toContainText('signature_mismatch');
  await expect(page.getByLabel('Artifact (text)'), 'the form comes back as it was sent').toHaveValue(/version 1\.4\.3/);
  await expectAccessible(page);

  // Each kind shows its own fields, with or without JavaScript (CSS).
  await settled(page);
  await page.getByLabel('Kind').selectOption('in_toto');
  await expect(page.getByLabel('Builder id')).toBeVisible();
  await expect(page.getByLabel('Certificate identity')).toBeHidden();
  await page.getByLabel('Kind').selectOption('cosign_blob');
  await expect(page.getByLabel('Builder id')).toBeHidden();

  // Files: the artifact is hashed on upload, the signature file read as text.
  await page.getByLabel('Artifact (text)').fill('');
  await page.getByLabel('Signature, bundle or envelope').fill('');
  await page.getByLabel('Artifact file').setInputFiles({ name: 'release-notes.txt', mimeType: 'text/plain', buffer: example('release-notes.txt') });
  await page.getByLabel('Evidence file').setInputFiles({ name: 'release-notes.txt.sig', mimeType: 'text/plain', buffer: example('cosign.sig') });
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  const passed = page.getByTestId('check-passed');
  await expect(passed).toContainText('Artifact file release-notes.txt (67 bytes)');
  await expect(passed).toContainText('signature matches the artifact and the key');
  await expect(page.getByLabel('Artifact digest')).toHaveValue(/^sha256:[0-9a-f]{64}$/);
  await expectAccessible(page);
});

test('the provenance example passes with its builder rule', async ({ page }) => {
  await login(page, 'member@acme.demo');
  await page.goto('/verify?example=provenance');
  await settled(page);
  await expect(page.getByLabel('Builder id')).toHaveValue(/slsa-github-generator/);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('check-passed')).toContainText('in-toto statement names the artifact');
});

test('a receipt is re-verified in the browser with no server call', async ({ page }, testInfo) => {
  await login(page, 'member@acme.demo');
  await page.goto('/receipts');
  const row = page.getByTestId('receipt-row').first();
  await row.locator('summary').click();
  await row.getByRole('link', { name: 'Re-verify in your browser' }).click();
  await expect(page).toHaveURL(/\/verify\?receipt=ver_/);
  await expect(page.getByLabel('Receipt (DSSE envelope JSON)')).toHaveValue(/"payloadType": "application\/vnd.in-toto\+json"/);
  const button = page.getByRole('button', { name: 'Verify in this browser' });
  if (!jsOn(testInfo)) {
    await expect(page.getByText('This check runs in your browser and needs JavaScript')).toBeVisible();
    await expect(button).toBeDisabled();
    return;
  }
  await settled(page);
  const calls: string[] = [];
  page.on('request', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/pkg/')) calls.push(r.url());
  });
  await button.click();
  const ok = page.getByTestId('receipt-verified');
  await expect(ok).toContainText('Signature verified in this browser');
  await expect(ok).toContainText(/Signed by receipt key rk_/);
  expect(calls, 'only the check\'s own code is fetched').toEqual([]);

  // One changed character in the signed payload, and the browser says so.
  const receipt = page.getByLabel('Receipt (DSSE envelope JSON)');
  const text = await receipt.inputValue();
  const payload = /"payload": "([^"]+)"/.exec(text)![1];
  const flipped = payload.slice(0, 20) + (payload[20] === 'A' ? 'B' : 'A') + payload.slice(21);
  await receipt.fill(text.replace(payload, flipped));
  await button.click();
  await expect(page.getByTestId('receipt-failed')).toContainText('The signature does not verify with key rk_');
  expect(calls).toEqual([]);
  await expectAccessible(page);
});

test('on a phone the Verify page fits the screen and checks an example', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'member@acme.demo');
  await page.goto('/verify?example=cosign');
  await settled(page);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByTestId('check-passed')).toContainText('Signed by key sha256:');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${jsOn(testInfo) ? 'js-on' : 'js-off'}: no sideways scrolling`).toBeLessThanOrEqual(0);
  await expectAccessible(page);
});
