import { expect, expectAccessible, login, settled, test, unique } from './helpers';

test('security allows a signer for one repository with a reason and an expiry, then revokes it', async ({ page }, testInfo) => {
  const reason = `Custom simulator rules (${unique(testInfo)})`;
  await login(page, 'security@operator.demo');
  await page.goto('/signature-status');
  await settled(page);
  const form = page.getByRole('form', { name: 'Allow a signer override' });
  await expect(form).toBeVisible();
  await expectAccessible(page);

  // The browser holds the expiry to 1..90 days; the server refuses what only it can know, and stores nothing.
  await form.getByLabel(/Expires in/).fill('120');
  expect(await form.getByLabel(/Expires in/).evaluate((e: HTMLInputElement) => e.checkValidity())).toBe(false);
  await form.getByLabel('Repository').fill('acme/no-such-repo');
  await form.getByLabel('Identity (for a keyless signer)').fill('https://github.com/acme/robot-sim/.github/workflows/policy.yml@refs/heads/main');
  await form.getByLabel('Reason').fill(reason);
  await form.getByLabel(/Expires in/).fill('14');
  await form.getByRole('button', { name: 'Allow signer' }).click();
  await expect(page.getByRole('alert')).toContainText('no tenant owns acme/no-such-repo');
  await expect(page.getByTestId('override-row').filter({ hasText: reason })).toHaveCount(0);

  await page.goto('/signature-status');
  await settled(page);
  await form.getByLabel('Repository').fill('acme/robot-sim');
  await form.getByLabel('Identity (for a keyless signer)').fill('https://github.com/acme/robot-sim/.github/workflows/policy.yml@refs/heads/main');
  await form.getByLabel('Reason').fill(reason);
  await form.getByLabel(/Expires in/).fill('14');
  await form.getByRole('button', { name: 'Allow signer' }).click();
  const row = page.getByTestId('override-row').filter({ hasText: reason });
  await expect(row).toHaveAttribute('data-state', 'active');
  await expect(row).toContainText('acme/robot-sim');
  await expect(row).toContainText('keyless https://github.com/acme/robot-sim/.github/workflows/policy.yml@refs/heads/main');
  await expect(row).toContainText('security@operator.demo');

  await row.getByText('Revoke…').click();
  await expect(row.getByTestId('confirm')).toContainText('acme/robot-sim is checked against the org');
  await row.getByRole('button', { name: 'Revoke the override for acme/robot-sim' }).click();
  await expect(page.getByTestId('override-row').filter({ hasText: reason })).toHaveAttribute('data-state', 'revoked');
  await expect(page.getByTestId('override-row').filter({ hasText: reason }).getByRole('button')).toHaveCount(0);
});

test('an operator admin manages the rollout and identities but not overrides', async ({ page }) => {
  await login(page, 'admin@operator.demo');
  await page.goto('/signature-status');
  await settled(page);
  await expect(page.getByRole('button', { name: 'Save rollout' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add identity' })).toBeVisible();
  await expect(page.getByTestId('override-row').filter({ hasText: 'globex/ledger-rules' })).toHaveCount(1);
  await expect(page.getByRole('form', { name: 'Allow a signer override' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Allow signer|Revoke/ })).toHaveCount(0);
});

test('security runs the keyless rotation drill and downloads its report', async ({ page }) => {
  await login(page, 'security@operator.demo');
  await page.goto('/signature-status');
  await settled(page);
  const before = await page.getByTestId('drill').filter({ hasText: 'keyless rotation' }).count();
  await page.getByRole('button', { name: 'Run keyless rotation drill' }).click();
  const drills = page.getByTestId('drill').filter({ hasText: 'keyless rotation' });
  await expect(drills).toHaveCount(before + 1);
  await expect(drills.first()).toContainText('passed by security@operator.demo');
  await expect(drills.first()).toContainText('(9 steps)');
  const href = await drills.first().getByRole('link').getAttribute('href');
  const report = await (await page.request.get(href!)).text();
  expect(report).toContain('# Drill report: rotate-keyless-identity');
  expect(report).toContain('| 3 | overlap window: both identities verify | ok |');
  expect(report).toContain('| 6 | a bundle signed by the removed identity is refused | ok |');
  expect(report).toContain('policy.identity_removed');
  await expectAccessible(page);
});
