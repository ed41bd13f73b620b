import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { expect, expectAccessible, jsOn, login, portal, settled, test, unique } from './helpers';
import { deliveries, follow, invite, PARTNER_PASSWORD, stepDetails, stepPolicy, stepRepository, stepUpload, stepWebhook, type Partner } from './wizard';

const BIN = resolve(__dirname, '..', '..', process.env.TRUST_PORTAL_BIN ?? 'target/debug/trust-portal');

/**
 * The forge repository a test onboards to (see start-server.sh): a name belongs to the one
 * tenant that proves it with a verified pack, so each test and project has its own.
 */
function widgets(testInfo: TestInfo, use: 'wizard' | 'cli'): string {
  return `partner/widgets-${jsOn(testInfo) ? 'json' : 'jsoff'}-${use}`;
}

/** A partner of this test: handle `slug`, on Pro. */
function partner(slug: string): Partner {
  return { name: `Partner ${slug}`, slug, plan: 'pro', email: `pat@${slug}.example` };
}

test('a new partner completes all five steps: tenant, signed webhook test, policy, verified release pack, API key', async ({ page, browser }, testInfo) => {
  const slug = `p-${unique(testInfo)}`;
  const link = await invite(browser, jsOn(testInfo), `Partner ${slug}`);
  await follow(page, link);
  await expect(page.getByTestId('step-1')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('step-5')).toHaveAttribute('data-status', 'locked');
  // Each plan says what a verification costs this month and what it includes, in words.
  await expect(page.locator('#ob-plan option[value="pro"]')).toHaveText('Pro: $0.005 per verification; Webhooks, Policy bundles, High rate limit');
  await expect(page.locator('#ob-plan option[value="starter"]')).toHaveText('Starter: $0.01 per verification; Webhooks');
  await expectAccessible(page);
  // With JavaScript on, the steps submit in place: this marker survives only if the page never reloads.
  if (jsOn(testInfo)) await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  await stepDetails(page, partner(slug));

  await stepWebhook(page, slug);
  await stepPolicy(page);
  const repo = widgets(testInfo, 'wizard');
  await stepRepository(page, repo);
  await expect(page.getByRole('heading', { name: 'Step 5 of 5: Entitlements and API key' })).toBeVisible();
  const summary = page.getByTestId('onboard-summary');
  await expect(summary).toContainText(`${repo}@v1.4.0 verified`);
  await expect(summary).toContainText('Webhooks, Policy bundles, High rate limit');
  const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Enable entitlements and issue API key' }).click();
  await expect(page.getByTestId('onboard-done')).toContainText('features on: Webhooks, Policy bundles, High rate limit');
  const key = (await page.getByTestId('onboard-api-key-secret').textContent())!.trim();
  expect(key).toMatch(/^tpk_[0-9a-f]{64}$/);
  if (jsOn(testInfo)) expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  const me = await page.request.get('/api/v1/me', { headers: { authorization: `Bearer ${key}` } });
  expect((await me.json()).tenant.slug).toBe(slug);
  // The test delivery, the verified pack and the completion reached the receiver, all signed.
  await expect.poll(() => deliveries(page.request, slug, secret)).toEqual(['webhook.test', 'pack.verified', 'onboarding.completed']);

  // Shown once: a reload shows the finished onboarding without the key; the link is used up.
  await page.reload();
  await expect(page.getByTestId('onboard-done')).toBeVisible();
  await expect(page.getByTestId('onboard-api-key-secret')).toHaveCount(0);
  await page.goto(link);
  await expect(page).toHaveURL(/\/onboard\?link=used$/);
  await expect(page.getByTestId('link-problem')).toContainText('already used');

  // The new tenant admin logs in, sees the messages on the Webhooks page and replays one: same webhook-id.
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(`pat@${slug}.example`);
  await page.getByLabel('Password').fill(PARTNER_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await settled(page);
  const completed = page.getByTestId('webhook-message').filter({ hasText: 'onboarding.completed' });
  await expect(completed).toContainText('delivered');
  await expect(page.getByTestId('webhook-message')).toHaveCount(3);
  await completed.getByRole('button', { name: 'Replay' }).click();
  await expect.poll(async () => (await deliveries(page.request, slug, secret)).length).toBe(4);
  const got: { headers: Record<string, string> }[] = await (await page.request.get(`${portal().forge}/hooks/${slug}`)).json();
  expect(got[3].headers['webhook-id']).toBe(got[2].headers['webhook-id']);
  await expectAccessible(page);

  // The messages search is a URL: by event type, and a state no message is in says so.
  await page.getByLabel('Message id or event type').fill('onboarding.');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/\/webhooks\?status=&q=onboarding\./);
  await expect(page.getByTestId('webhook-message')).toHaveCount(1);
  await expect(page.getByTestId('webhook-message')).toContainText('onboarding.completed');
  await page.getByLabel('Status').selectOption('dead');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByTestId('messages-empty')).toContainText('No message matches.');
  await page.getByRole('link', { name: 'Show every message' }).click();
  await expect(page.getByTestId('webhook-message')).toHaveCount(3);
  await settled(page);

  // Rotating the signing secret asks first and says the old one keeps signing for a day.
  const before = await page.getByTestId('webhook-secret').textContent();
  await page.getByText('Rotate secret…').click();
  await expect(page.getByTestId('confirm')).toContainText('the old one also signs for 24 hours');
  await page.getByRole('button', { name: 'Rotate secret', exact: true }).click();
  await expect(page.getByText('Secret rotated; the old one keeps signing for 24 hours.')).toBeVisible();
  await expect(page.getByTestId('webhook-secret')).not.toHaveText(before ?? '');
});

test('a partner who stops at step 3 resumes from the CLI, which finishes the same session', async ({ page, browser }, testInfo) => {
  const slug = `cli-${unique(testInfo)}`;
  const link = await invite(browser, jsOn(testInfo), `CLI ${slug}`);
  await follow(page, link);
  await stepDetails(page, partner(slug));
  await stepWebhook(page, slug);
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Policy version' })).toBeVisible();

  const out = execFileSync(
    BIN,
    ['onboard', '--server', portal().url, '--yes', '--repo', widgets(testInfo, 'cli'), '--public-key', `${portal().data}/release-key.pub`],
    { env: { ...process.env, PORTAL_INVITE: link }, encoding: 'utf8' },
  );
  expect(out).toContain('(step 3 of 5, resumed)');
  expect(out).toContain('policy version 3 signed by policy-2026');
  expect(out).toContain(`${widgets(testInfo, 'cli')}@v1.4.0 pack verified`);
  expect(out).toMatch(/\n {2}tpk_[0-9a-f]{64}\n/);

  // Back in the browser, the session is finished; the link is used up.
  await page.reload();
  await expect(page.getByTestId('onboard-done')).toContainText('features on: Webhooks, Policy bundles, High rate limit');
  await page.goto(link);
  await expect(page.getByTestId('link-problem')).toContainText('already used');
  await expect(page.getByRole('main').getByRole('link', { name: 'Log in' })).toBeVisible();
});

test('a failing pack blocks step 4 with the exact failure and how to fix it, and going back works', async ({ page, browser }, testInfo) => {
  const slug = `bad-${unique(testInfo)}`;
  const link = await invite(browser, jsOn(testInfo), `Broken ${slug}`);
  await follow(page, link);
  await stepDetails(page, partner(slug));
  // A receiver that answers 500 fails the test delivery with the status and the fix.
  await stepWebhook(page, `fail-${slug}`);
  const failure = page.getByTestId('step-failure');
  await expect(failure).toContainText('webhook_status');
  await expect(failure).toContainText('500');
  await expect(failure).toContainText('How to fix');
  await expect(page.getByTestId('step-2')).toHaveAttribute('data-status', 'failed');
  await stepWebhook(page, slug);
  await stepPolicy(page);

  await stepRepository(page, 'partner/broken');
  await expect(failure).toContainText('signature_mismatch');
  await expect(failure).toContainText('partner/broken@v0.2.0');
  await expect(failure).toContainText('enter the public key of the key that signed it');
  await expect(page.getByRole('heading', { name: 'Step 4 of 5: Repository and release pack' })).toBeVisible();
  await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('step-5')).toHaveAttribute('data-status', 'locked');
  await expectAccessible(page);

  // Going back to step 2 is allowed, keyboard only.
  const back = page.getByRole('button', { name: '2. Webhook and test delivery' });
  await back.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Step 2 of 5: Webhook and test delivery' })).toBeVisible();
  await expect(page.getByTestId('step-3')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'to do');
  if (jsOn(testInfo)) await expect(page.getByRole('heading', { name: /Step 2 of 5/ })).toBeFocused();
});

test('a partner uploads the release pack in step 4 itself: the manifest must name the repository, then the step passes', async ({ page, browser }, testInfo) => {
  const slug = `up-${unique(testInfo)}`;
  const link = await invite(browser, jsOn(testInfo), `Upload ${slug}`);
  await follow(page, link);
  await stepDetails(page, partner(slug));
  await stepWebhook(page, slug);
  await stepPolicy(page);
  const repo = `partner/widgets-${jsOn(testInfo) ? 'json' : 'jsoff'}-upload`;

  // A pack whose signed manifest names another repository is refused, with why and how to fix it; no success box beside it.
  await stepUpload(page, 'partner/someone-else', `${repo}/pack.zip`);
  const failure = page.getByTestId('step-failure');
  await expect(failure).toContainText('pack_release_mismatch');
  await expect(failure).toContainText(`manifest names ${repo}@v1.4.0`);
  await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByRole('status')).toHaveCount(0);
  await expectAccessible(page);

  await stepUpload(page, repo, `${repo}/pack.zip`);
  await expect(page.getByRole('heading', { name: 'Step 5 of 5: Entitlements and API key' })).toBeVisible();
  await expect(page.getByTestId('onboard-summary')).toContainText(`${repo}@v1.4.0 verified`);
});

test('the operator sees the funnel with the demo onboardings, times against the goal and failure reasons', async ({ page }) => {
  await login(page, 'admin@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Onboarding' }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByTestId('funnel-step-1')).toContainText('reached');
  await expect(page.getByTestId('funnel-times')).toContainText('median');
  await expect(page.getByText(/Goal: p90 within 1 h 0 min: met/)).toBeVisible();
  await expect(page.getByTestId('failure-reasons')).toContainText('webhook_status');
  await expect(page.getByTestId('session-row').filter({ hasText: 'globex' })).toContainText('34 min');
  await expect(page.getByTestId('session-row').filter({ hasText: 'acme-robotics' })).toContainText('18 min');
  await expectAccessible(page);
});
