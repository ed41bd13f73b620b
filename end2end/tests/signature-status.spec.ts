import { expect, expectAccessible, login, settled, test } from './helpers';

test('an auditor opens signature status, sees the one failing repo among passing ones, and nothing that changes state', async ({ page }) => {
  await login(page, 'auditor@audit.demo');
  await page.goto('/signature-status');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Signature status' }).click();
  await expect(page).toHaveURL(/\/signature-status$/);
  await settled(page);

  // This spec's own portal holds the demo data alone: 21 Acme and Globex repositories,
  // 20 signed (uploads and release packs) and one whose latest bundle failed.
  const rows = page.getByTestId('repo-row');
  await expect(rows).toHaveCount(21);
  await expect(rows.and(page.locator('[data-state="signed"]'))).toHaveCount(20);
  const failing = page.locator('[data-testid="repo-row"][data-state="failed"]');
  await expect(failing).toHaveCount(1);
  await expect(failing).toContainText('acme/robot-docs');
  await expect(failing).toContainText('signature_mismatch');
  // Adoption = signed / active = 20 / 21, at the goal.
  await expect(page.getByTestId('adoption')).toHaveText('95.2%');
  await expect(page.getByRole('img', { name: 'Policy adoption badge: 95.2%' })).toBeVisible();
  await expect(page.locator('[data-testid="pack-row"][data-state="failed"]').filter({ hasText: 'acme/' })).toContainText('acme/robot-firmware@v2.3.9');

  // Who signed each: the org workflow, an org key, or an override; some from their release pack.
  const firmware = rows.filter({ hasText: 'acme/robot-firmware' });
  await expect(firmware.getByTestId('signed-by')).toContainText('org workflow');
  await expect(firmware).toContainText('release pack v2.4.0');
  await expect(rows.filter({ hasText: 'globex/ledger-rules' }).getByTestId('signed-by')).toContainText('override');
  await expect(rows.filter({ hasText: 'acme/robot-cli' }).getByTestId('signed-by')).toContainText('org key');
  const newest = page.getByTestId('pack-row').filter({ hasText: 'acme/robot-firmware@v2.4.0' });
  await expect(newest.getByTestId('pack-policy')).toContainText('v3 signed by the org workflow');
  await expect(page.getByTestId('org-signer')).toHaveCount(2);
  await expect(page.locator('[data-testid="org-signer"][data-kind="org_workflow"]')).toContainText('org.policy.sign.yml');
  const override = page.getByTestId('override-row');
  await expect(override).toHaveCount(1);
  await expect(override).toHaveAttribute('data-state', 'active');
  await expect(override).toContainText('globex/ledger-rules');
  await expect(override).toContainText('Double-entry ledger rules');

  // Read-only: inside the page, no form posts and the only button filters (a GET).
  const main = page.locator('main');
  await expect(main.locator('form[method="post" i]')).toHaveCount(0);
  await expect(main.getByRole('button')).toHaveCount(1);
  await expect(main.getByRole('button')).toHaveText('Filter');

  await page.getByLabel('Show').selectOption('failing');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/show=failing/);
  await expect(rows).toHaveCount(1);
  await expect(rows.and(page.locator('[data-state="signed"]'))).toHaveCount(0);
  await expectAccessible(page);

  const csv = await (await page.request.get('/signature-status/export.csv?show=failing')).text();
  expect(csv).toMatch(/^kind,tenant,repo,/);
  expect(csv).toContain('policy_bundle,acme-robotics,acme/robot-docs,');
});
