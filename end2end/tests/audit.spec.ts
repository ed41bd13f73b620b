import { expect, test, expectAccessible, jsOn, login, settled, unique, PASSWORD } from './helpers';
import type { Browser, Page } from '@playwright/test';
import { openEngagement, tab } from './engagement';

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A second browser for the auditor, with the same JavaScript setting. */
async function auditorPage(browser: Browser, baseURL: string, js: boolean): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled: js });
  return ctx.newPage();
}

test('an audit engagement from scoping to an accepted sign-off pack', async ({ page, browser, baseURL }, testInfo) => {
  test.setTimeout(120_000);
  const js = jsOn(testInfo);
  const name = `Dry-run ${unique(testInfo)}`;
  const auditorEmail = `auditor-${unique(testInfo)}@audit.example`;

  // Security opens the engagement over Acme and starts fieldwork.
  await login(page, 'security@operator.demo');
  await page.goto('/audits');
  await settled(page);
  await expect(page.getByTestId('engagement-card').first()).toBeVisible(); // the demo's engagement
  await expectAccessible(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Audit firm').fill('Northwind Assurance');
  await page.getByLabel('Period under review: from').fill(isoDay(-30));
  await page.getByLabel('to', { exact: true }).fill(isoDay(10));
  await page.getByLabel('Auditor access ends (last day)').fill(isoDay(20));
  await page.getByLabel('Tenants in scope (slugs, comma-separated)').fill('acme-robotics');
  await page.getByRole('button', { name: 'Open engagement' }).click();
  if (js) await expect(page.getByRole('link', { name })).toBeVisible();
  await openEngagement(page, name);
  await expect(page.getByTestId('engagement-state')).toHaveText('Scoping');
  await expect(page.getByTestId('scope-document')).toContainText('External Audit Dry-run');
  await page.getByRole('button', { name: 'Start fieldwork (lock scope)' }).click();
  await expect(page.getByTestId('engagement-state')).toHaveText('Fieldwork');
  await expectAccessible(page);

  // Security invites the auditor: the link is shown once.
  await tab(page, 'Auditors');
  await page.getByLabel('E-mail').fill(auditorEmail);
  await page.getByLabel('Name', { exact: true }).fill('Ada Auditor');
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = (await page.getByTestId('invite-link-url').first().innerText()).trim();
  expect(link).toContain('/audit-invite/tpa_');
  await expectAccessible(page);

  // The auditor follows the link, reads and accepts the NDA, sets a password.
  const auditor = await auditorPage(browser, baseURL!, js);
  await auditor.goto(new URL(link).pathname);
  await expect(auditor).toHaveURL(/\/audit\/join$/);
  await expect(auditor.getByTestId('nda')).toContainText('Confidentiality agreement');
  await expectAccessible(auditor);
  await auditor.getByLabel('Choose a password').fill(PASSWORD);
  await auditor.getByRole('checkbox', { name: /I accept the confidentiality agreement/ }).check();
  await auditor.getByRole('button', { name: 'Accept and join' }).click();
  await expect(auditor).toHaveURL(/\/audits$/);
  await settled(auditor);
  await expect(auditor.getByTestId('engagement-card')).toHaveCount(1);

  // The auditor works through the checklist and follows an item to its evidence.
  await openEngagement(auditor, name);
  await tab(auditor, 'Checklist');
  await expect(auditor.getByTestId('checklist-item')).toHaveCount(5);
  await expect(auditor.getByTestId('checklist-item').first()).toHaveAttribute('data-status', 'passed');
  await expectAccessible(auditor);
  await auditor.getByTestId('checklist-item').nth(3).getByRole('link', { name: 'evidence' }).click();
  await expect(auditor.getByRole('navigation', { name: 'Engagement' }).getByRole('link', { name: 'Evidence' })).toHaveAttribute('aria-current', 'page');
  await expect(auditor.getByTestId('evidence-repo').first()).toBeVisible();

  // The auditor sees no control outside their rights.
  await tab(auditor, 'Overview');
  await expect(auditor.getByRole('button', { name: /Start fieldwork|Save a new scope version|Publish NDA/ })).toHaveCount(0);
  await expect(auditor.getByRole('navigation', { name: 'Engagement' }).getByRole('link', { name: 'Auditors' })).toHaveCount(0);
  await tab(auditor, 'Checklist');
  await expect(auditor.getByRole('button', { name: /Add item|Tick/ })).toHaveCount(0);
  await tab(auditor, 'Decisions');
  await expect(auditor.getByRole('button', { name: /Record decision|Record new version|Link risk/ })).toHaveCount(0);

  // The auditor files a finding.
  await tab(auditor, 'Findings');
  await auditor.getByLabel('Title').fill('Release notes missing from the pack');
  await auditor.getByLabel('Condition found').fill('The sampled pack carries no release notes.');
  await auditor.getByRole('button', { name: 'File finding' }).click();
  await expect(auditor.getByTestId('finding')).toContainText('FND-001 Release notes missing from the pack');
  await expect(auditor.getByTestId('rule-outcome')).toContainText('met');
  await expect(auditor.getByRole('button', { name: /Save remediation/ })).toHaveCount(0);
  await expectAccessible(auditor);

  // Security records a decision about it.
  await tab(page, 'Decisions');
  await page.getByLabel('Decision', { exact: true }).fill('Add release notes to the pack template');
  await page.getByLabel('Owner').fill('Sam Security');
  await page.getByLabel('Decided on').fill(isoDay(0));
  await page.getByLabel('Rationale').fill('The auditor asked for them (FND-001).');
  await page.getByRole('button', { name: 'Record decision' }).click();
  await expect(page.getByTestId('decision')).toContainText('DEC-001 v1: Add release notes to the pack template');
  await expectAccessible(page);

  // The auditor downloads the sign-off pack and accepts exactly that one.
  await auditor.reload();
  await tab(auditor, 'Sign-off');
  const [download] = await Promise.all([
    auditor.waitForEvent('download'),
    auditor.getByRole('link', { name: 'Download signoff.zip' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^signoff-eng_.*\.zip$/);
  await auditor.reload();
  await settled(auditor);
  const digest = (await auditor.getByTestId('signoff-sha256').first().innerText()).trim();
  expect(digest).toMatch(/^[0-9a-f]{64}$/);
  await expect(auditor.getByLabel('SHA-256 of the pack you reviewed')).toHaveValue(digest);
  await auditor.getByRole('button', { name: 'Send answer' }).click();
  await expect(auditor.getByTestId('answer-row')).toHaveAttribute('data-decision', 'accepted');
  await expect(auditor.getByTestId('engagement-state')).toHaveText('Accepted');
  await expectAccessible(auditor);

  // The operator sees the access log of what the auditor looked at and downloaded.
  await tab(page, 'Auditors');
  await expect(page.getByTestId('access-row').filter({ hasText: 'signoff.zip' })).toHaveCount(1);
  await expect(page.getByTestId('auditor-row')).toContainText('v1 accepted');
});

test('the audit library shows the demo evidence and refuses a bad document', async ({ page }) => {
  await login(page, 'security@operator.demo');
  await page.goto('/audit-library');
  await settled(page);
  await expect(page.getByTestId('library-document')).toHaveCount(2);
  await expect(page.getByTestId('library-vendor')).toContainText('verified');
  await expect(page.getByTestId('restore-drill').first()).toContainText('passed');
  await expect(page.getByTestId('risk')).toHaveCount(4);
  await expectAccessible(page);
  // A document whose review date is not a date is refused and nothing is stored.
  await page.getByLabel('Title').first().fill('Backup policy');
  await page.getByLabel('Version').fill('1');
  await page.getByLabel('Owner').first().fill('Ops');
  await page.getByLabel('File').setInputFiles({ name: 'backup.md', mimeType: 'text/markdown', buffer: Buffer.from('# Backups\n') });
  await page.getByLabel('Review by').first().evaluate((el: HTMLInputElement) => { el.type = 'text'; el.value = '31/12/2026'; });
  await page.getByRole('button', { name: 'Upload document' }).click();
  await expect(page.getByRole('alert')).toContainText('Review date');
  await expect(page.getByTestId('library-document')).toHaveCount(2);
});
