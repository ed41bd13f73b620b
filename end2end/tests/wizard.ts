// The onboarding wizard driven the way a partner drives it, step by step; shared by the
// onboarding tests and the recorded sprint demo (end2end/demo).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { expect, login, portal, settled } from './helpers';

/** Who onboards in step 1. */
export type Partner = {
  /** Company name. */
  name: string;
  /** Handle (a-z, 0-9, -). */
  slug: string;
  /** starter, pro or enterprise. */
  plan: 'starter' | 'pro' | 'enterprise';
  /** The tenant admin's e-mail (their login). */
  email: string;
};

/** The password every partner admin in the browser tests and the demo chooses. */
export const PARTNER_PASSWORD = 'partner-password-123';

/** An operator admin creates an invitation on the Onboarding page (in its own browser context); returns the link. */
export async function invite(browser: Browser, js: boolean, label: string): Promise<string> {
  const context = await browser.newContext({ javaScriptEnabled: js, baseURL: portal().url });
  const page = await context.newPage();
  await login(page, 'admin@operator.demo');
  await page.goto('/onboarding');
  await settled(page);
  await page.getByLabel('Company or contact').fill(label);
  await page.getByRole('button', { name: 'Create invitation link' }).click();
  const link = (await page.getByTestId('invite-link').textContent())!.trim();
  expect(link).toMatch(/\/invite\/tpi_[0-9a-f]{64}$/);
  await context.close();
  return link;
}

/** Follows the invitation link in a fresh browser (no login) and waits for the wizard. */
export async function follow(page: Page, link: string) {
  await page.goto(link);
  await expect(page).toHaveURL(/\/onboard$/);
  await settled(page);
  await expect(page.getByRole('heading', { name: 'Step 1 of 5: Tenant details and plan' })).toBeVisible();
}

/** Step 1: the tenant and its admin. */
export async function stepDetails(page: Page, who: Partner) {
  await page.getByLabel('Company name').fill(who.name);
  await page.getByLabel('Handle (a-z, 0-9, -)').fill(who.slug);
  await page.getByLabel('Plan', { exact: true }).selectOption(who.plan);
  await page.getByLabel('Your name (tenant admin)').fill('Pat Partner');
  await page.getByLabel('Your e-mail (your login)').fill(who.email);
  await page.getByLabel('Password (12+ characters)').fill(PARTNER_PASSWORD);
  await page.getByRole('button', { name: 'Create tenant and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 5: Webhook and test delivery' })).toBeVisible();
  await expect(page.getByTestId('step-1')).toHaveAttribute('data-status', 'done');
}

/** Step 2: a webhook on the local receiver (`/hooks/{hook}`) and its test delivery. */
export async function stepWebhook(page: Page, hook: string) {
  await page.getByLabel('Webhook URL').fill(`${portal().forge}/hooks/${hook}`);
  await page.getByRole('button', { name: 'Send test delivery' }).click();
}

/** Step 3: the current policy version, its signature verified. */
export async function stepPolicy(page: Page) {
  await expect(page.getByRole('heading', { name: 'Step 3 of 5: Policy version' })).toBeVisible();
  await expect(page.getByLabel(/Version 3 \(current\)/)).toBeChecked();
  await page.getByRole('button', { name: 'Verify signature and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 4 of 5: Repository and release pack' })).toBeVisible();
}

/** Step 4: a forge repository whose latest release pack the forge's release key signed. */
export async function stepRepository(page: Page, repo: string) {
  const form = page.getByRole('form', { name: 'Fetch the pack' });
  await form.getByLabel('Repository (owner/name)').fill(repo);
  await form.getByLabel('Pack-signing public key (PEM)').fill(readFileSync(`${portal().data}/release-key.pub`, 'utf8'));
  await form.getByRole('button', { name: 'Fetch and verify' }).click();
}

/** Step 4 with the pack uploaded from this machine: `file` (under the forge's data), entered as `repo`. */
export async function stepUpload(page: Page, repo: string, file: string) {
  const form = page.getByRole('form', { name: 'Upload the pack' });
  await form.getByLabel('Repository (owner/name)').fill(repo);
  await form.getByLabel('Release pack (*.pack.zip)').setInputFiles(`${portal().data}/${file}`);
  await form.getByLabel('Pack-signing public key (PEM)').fill(readFileSync(`${portal().data}/release-key.pub`, 'utf8'));
  await form.getByRole('button', { name: 'Upload and verify' }).click();
}

/**
 * The message types the receiver got on `/hooks/{hook}`, each checked against the
 * secret first (Standard Webhooks, HMAC-SHA256).
 */
export async function deliveries(request: APIRequestContext, hook: string, secret: string): Promise<string[]> {
  const got: { headers: Record<string, string>; body: string }[] = await (await request.get(`${portal().forge}/hooks/${hook}`)).json();
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return got.map(({ headers, body }) => {
    const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
    expect(headers['webhook-signature'].split(' ')).toContain(`v1,${expected}`);
    expect(headers['x-topicality-signature']).toBe(headers['webhook-signature']);
    return JSON.parse(body).type;
  });
}
