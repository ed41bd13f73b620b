// The sprint-review demo, played live and recorded (`make demo`; a test in `make test`).
//
// A fresh portal with the demo data (start-server.sh: the forge with release packs and a
// webhook receiver, a prober beside the server), then the story through the real
// interfaces: Initech onboards in the browser, Hooli with the CLI; security registers the
// partners' CI signing key and their CI uploads signed policy bundles until adoption passes
// 95%; the partners call the Attestation API and every verification is metered; finance
// simulates both invoices; the auditor accepts the dry-run; the OKR scoreboard ends with
// every key result measured and met. Each step leaves a screenshot; the run writes
// DEMO_OUT/report.html (default demo/), whose KR table is `trust-portal okrs --json`.
import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect, login, portal, settled, test } from '../tests/helpers';
import { openEngagement, tab } from '../tests/engagement';
import { deliveries, follow, invite, PARTNER_PASSWORD, stepDetails, stepPolicy, stepRepository, stepWebhook, type Partner } from '../tests/wizard';
import { type Board, esc, type KeyResult, type Step, writeReport } from './report';

const ROOT = resolve(__dirname, '..', '..');
const BIN = resolve(ROOT, process.env.TRUST_PORTAL_BIN ?? 'target/debug/trust-portal');
const OUT = resolve(ROOT, process.env.DEMO_OUT ?? 'demo');

const INITECH: Partner = { name: 'Initech', slug: 'initech', plan: 'pro', email: 'pat@initech.example' };
const HOOLI: Partner = { name: 'Hooli', slug: 'hooli', plan: 'enterprise', email: 'ops@hooli.example' };
/** The demo's audit engagement (seeded in fieldwork with two low findings). */
const ENGAGEMENT = 'External audit dry-run (Sprint 12)';
/** Verifications each partner makes: Initech on Pro ($0.005), Hooli on Enterprise ($0.0025). */
const CALLS = { initech: 8, hooli: 12 };
/** The org policy the partners' repositories carry (policies/org.rego). */
const ORG_POLICY = 'package org.release\n\ndefault allow := false\n\nallow if {\n\tinput.pack.verified\n}\n';

/** Runs the portal's CLI against the demo portal's database; returns its standard output. */
function cli(args: string[], env: Record<string, string> = {}): string {
  const db = `sqlite:${dirname(portal().data)}/e2e.db`;
  return execFileSync(BIN, args, { cwd: ROOT, env: { ...process.env, PORTAL_DATABASE_URL: db, RUST_LOG: 'warn', ...env }, encoding: 'utf8' });
}

/** The scoreboard as the CLI computes it (it exits 1 while a key result is missed). */
function okrs(): Board {
  try {
    return JSON.parse(cli(['okrs', '--json']));
  } catch (e) {
    const failed = e as { status?: number; stdout?: string };
    if (failed.status === 1 && failed.stdout) return JSON.parse(failed.stdout);
    throw e;
  }
}

/** attestation.verify units on `tenant`'s simulated invoice for `period` (YYYY-MM). */
function verifyUnits(tenant: string, period: string): number {
  const preview = JSON.parse(cli(['invoice', 'simulate', '--tenant', tenant, '--period', period, '--json']));
  return preview.invoices[0].lines.find((l: { event: string }) => l.event === 'attestation.verify')?.units ?? 0;
}

function kr(board: Board, n: number): KeyResult {
  return board.key_results.find((k) => k.number === n)!;
}

/** A signed-in browser of its own for `email`. */
async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: portal().url })).newPage();
  await login(page, email);
  return page;
}

/** Secrets never go into the report. */
const redact = (text: string) => text.replace(/tp[ki]_[0-9a-f]{64}/g, (s) => `${s.slice(0, 8)}…`).replace(/whsec_\S+/g, 'whsec_…');

test('the sprint demo: two partners onboard, adoption passes 95%, usage is metered and invoiced, the audit is accepted, every KR is met', async ({ page, browser, request }) => {
  test.setTimeout(600_000);
  rmSync(join(OUT, 'shots'), { recursive: true, force: true });
  mkdirSync(join(OUT, 'shots'), { recursive: true });
  const run: Parameters<typeof writeReport>[1] = { started: Date.now(), steps: [], portal: portal().url };

  /**
   * Plays one step: its body returns the page to photograph, what on it to mask (secrets
   * shown once) and any output to show.
   */
  async function step(title: string, story: string, body: () => Promise<{ shot: Page; mask?: Locator[]; output?: string }>) {
    const s: Step = { title, story, ms: 0 };
    run.steps.push(s);
    const t0 = Date.now();
    try {
      const { shot, mask, output } = await body();
      s.output = output && redact(output);
      s.shot = `${String(run.steps.length).padStart(2, '0')}.png`;
      await shot.screenshot({ path: join(OUT, 'shots', s.shot), mask });
    } catch (e) {
      s.error = String((e as Error).message ?? e).split('\n')[0];
      throw e;
    } finally {
      s.ms = Date.now() - t0;
    }
  }

  try {
    await step('A fresh portal with the demo data', 'Finance opens the OKR scoreboard before anything happens.', async () => {
      run.before = okrs();
      await login(page, 'finance@operator.demo');
      await page.goto('/okrs');
      await settled(page);
      await expect(page.getByTestId('okr-row')).toHaveCount(5);
      return { shot: page };
    });

    const keys: Record<string, string> = {};
    await step(
      'Initech onboards in the browser',
      'The operator creates an invitation; Initech follows the link and walks the five wizard steps: tenant on Pro, a signed test delivery to its webhook receiver, policy version 3 with its signature verified, initech/firmware whose latest release pack verifies, entitlements on and an API key.',
      async () => {
        const link = await invite(browser, true, 'Initech');
        const partner = await (await browser.newContext({ baseURL: portal().url })).newPage();
        await follow(partner, link);
        await stepDetails(partner, INITECH);
        await stepWebhook(partner, 'initech');
        await stepPolicy(partner);
        await stepRepository(partner, 'initech/firmware');
        await expect(partner.getByTestId('onboard-summary')).toContainText('initech/firmware@v3.1.0 verified');
        const secret = (await partner.getByTestId('webhook-secret').textContent())!.trim();
        await partner.getByRole('button', { name: 'Enable entitlements and issue API key' }).click();
        keys.initech = (await partner.getByTestId('onboard-api-key-secret').textContent())!.trim();
        expect(keys.initech).toMatch(/^tpk_[0-9a-f]{64}$/);
        const types = ['webhook.test', 'pack.verified', 'onboarding.completed'];
        await expect.poll(() => deliveries(request, 'initech', secret)).toEqual(types);
        return { shot: partner, mask: [partner.getByTestId('onboard-api-key-secret')], output: `Initech's receiver got ${types.join(', ')}: each signature verified with its webhook secret.` };
      },
    );

    await step(
      'Hooli onboards with the CLI',
      'The operator creates an invitation with the CLI; Hooli runs `trust-portal onboard` with it: the same five steps against the running portal, on Enterprise, with hooli/platform. The operator watches the onboarding funnel.',
      async () => {
        const link = JSON.parse(cli(['invite', 'create', '--label', 'Hooli', '--json'])).link.replace(/^https?:\/\/[^/]+/, portal().url);
        const passwordFile = join(portal().data, 'hooli-password');
        writeFileSync(passwordFile, `${PARTNER_PASSWORD}\n`);
        const out = cli(
          ['onboard', '--server', portal().url, '--yes', '--name', HOOLI.name, '--slug', HOOLI.slug, '--plan', HOOLI.plan,
            '--admin-name', 'Olu Ops', '--admin-email', HOOLI.email, '--admin-password-file', passwordFile,
            '--webhook-url', `${portal().forge}/hooks/hooli`, '--repo', 'hooli/platform', '--public-key', `${portal().data}/release-key.pub`],
          { PORTAL_INVITE: link },
        );
        expect(out).toContain('hooli/platform@v2.0.0 pack verified');
        keys.hooli = out.match(/tpk_[0-9a-f]{64}/)![0];
        const operator = await signedIn(browser, 'admin@operator.demo');
        await operator.goto('/onboarding');
        await settled(operator);
        await expect(operator.getByTestId('session-row').filter({ hasText: 'hooli' })).toBeVisible();
        await expect(operator.getByTestId('session-row').filter({ hasText: 'initech' })).toBeVisible();
        return { shot: operator, output: `$ trust-portal onboard --server ${portal().url} --yes --name Hooli …\n${out}` };
      },
    );

    const ciKey = join(portal().data, 'partner-ci');
    await step(
      'Security registers the signing key of the partners\' CI',
      'Security generates an org policy key for the partners\' release pipelines and registers its public half; bundles it signs verify from now on.',
      async () => {
        cli(['keygen', '--out', ciKey]);
        const out = cli(['policy', 'add-key', '--name', 'partner-ci-2026', '--public-key', `${ciKey}.pub`, '--valid-days', '365']);
        const security = await signedIn(browser, 'security@operator.demo');
        await security.goto('/signature-status');
        await settled(security);
        return { shot: security, output: `$ trust-portal keygen --out partner-ci\n$ trust-portal policy add-key --name partner-ci-2026 --public-key partner-ci.pub --valid-days 365\n${out}` };
      },
    );

    await step(
      'Partner CI uploads signed policy bundles until adoption passes 95%',
      'The partners\' repositories count once their verified release packs proved them theirs: active, but running no signed policy, so adoption fell below the goal. Each repository\'s CI (demo/partner-ci.sh: tar, sign, curl) uploads policy.tar.gz and policy.sig for version 3; adoption is measured after each upload.',
      async () => {
        const checkout = join(portal().data, 'checkout');
        mkdirSync(join(checkout, 'policies'), { recursive: true });
        writeFileSync(join(checkout, 'policies', 'org.rego'), ORG_POLICY);
        const adoption = () => kr(okrs(), 3);
        const lines = [`before: ${adoption().current} (${adoption().detail})`];
        expect(adoption().status).toBe('missed');
        const queue: [string, string][] = [['initech', 'initech/firmware'], ['hooli', 'hooli/platform']];
        while (adoption().status !== 'met') {
          const next = queue.shift();
          if (!next) throw new Error(`adoption still below the goal: ${adoption().current}`);
          const [tenant, repo] = next;
          const answer = JSON.parse(
            execFileSync(join(ROOT, 'demo', 'partner-ci.sh'), [repo, checkout, '3'], {
              env: { ...process.env, PORTAL_URL: portal().url, PORTAL_API_KEY: keys[tenant], POLICY_KEY: `${ciKey}.pem` },
              encoding: 'utf8',
            }),
          );
          expect(answer.status, JSON.stringify(answer)).toBe('verified');
          lines.push(`${repo}: ${answer.status}, signed by ${answer.signer} -> adoption ${adoption().current} (${adoption().detail})`);
        }
        const security = await signedIn(browser, 'security@operator.demo');
        await security.goto('/signature-status');
        await settled(security);
        return { shot: security, output: lines.join('\n') };
      },
    );

    await step(
      'Partners call the Attestation API; every verification is metered',
      `Initech verifies ${CALLS.initech} and Hooli ${CALLS.hooli} cosign sign-blob signatures over POST /api/v1/verify with their API keys; a tampered artifact is refused and not billed. The ledger worker posts the attestation.verify events.`,
      async () => {
        const metered = () => Number(kr(okrs(), 2).detail.match(/^(\d+) verifications/)?.[1] ?? 0);
        const meteredBefore = metered();
        const releaseKey = readFileSync(`${portal().data}/release-key.pem`, 'utf8');
        const publicKey = readFileSync(`${portal().data}/release-key.pub`, 'utf8');
        const verify = (tenant: string, artifact: Buffer, signature: string) =>
          request.post(`${portal().url}/api/v1/verify`, {
            headers: { authorization: `Bearer ${keys[tenant]}` },
            data: { kind: 'cosign_blob', artifact: { base64: artifact.toString('base64') }, signature, public_key: publicKey },
          });
        const lines: string[] = [];
        for (const [tenant, calls] of Object.entries(CALLS)) {
          for (let i = 0; i < calls; i++) {
            const artifact = Buffer.from(`${tenant}-build-${i}.tar.gz`);
            const answer = await verify(tenant, artifact, sign('sha256', artifact, releaseKey).toString('base64'));
            expect(answer.status(), await answer.text()).toBe(200);
          }
          lines.push(`${tenant}: ${calls} verified`);
        }
        const artifact = Buffer.from('initech-build-0.tar.gz');
        const tampered = await verify('initech', Buffer.from('tampered'), sign('sha256', artifact, releaseKey).toString('base64'));
        expect(tampered.status()).toBe(422);
        lines.push(`initech: a tampered artifact -> ${tampered.status()} ${(await tampered.json()).error.code} (not metered)`);
        const period = new Date().toISOString().slice(0, 7);
        for (const [tenant, calls] of Object.entries(CALLS)) {
          await expect
            .poll(() => verifyUnits(tenant, period), { timeout: 30_000 })
            .toBe(calls);
        }
        // KR2 counts the ledger, which the ledger worker posts to every second.
        await expect.poll(metered, { timeout: 30_000 }).toBe(meteredBefore + CALLS.initech + CALLS.hooli);
        lines.push(`ledger: ${kr(okrs(), 2).current} with metered attestation.verify (${kr(okrs(), 2).detail})`);
        await page.goto('/usage');
        await settled(page);
        return { shot: page, output: lines.join('\n') };
      },
    );

    await step(
      'Finance simulates both invoices',
      'Finance reads Initech\'s simulated invoice on the Usage page (8 x $0.005 on Pro) and simulates Hooli\'s with the CLI (12 x $0.0025 on Enterprise).',
      async () => {
        const initech = page.getByRole('region', { name: 'Initech (initech)' });
        await expect(initech).toContainText('plan pro');
        await expect(initech.getByTestId('invoice-total')).toHaveText('$0.04');
        await initech.scrollIntoViewIfNeeded();
        const period = new Date().toISOString().slice(0, 7);
        const out = cli(['invoice', 'simulate', '--tenant', 'hooli', '--period', period]);
        expect(out).toContain('$0.03');
        return { shot: page, output: `$ trust-portal invoice simulate --tenant hooli --period ${period}\n${out}` };
      },
    );

    await step(
      'The auditor accepts the dry-run',
      `The demo auditor opens "${ENGAGEMENT}", downloads signoff.zip and accepts exactly that pack (its SHA-256); the engagement's two low findings are within the acceptance rule.`,
      async () => {
        const auditor = await signedIn(browser, 'auditor@audit.demo');
        await openEngagement(auditor, ENGAGEMENT);
        await tab(auditor, 'Sign-off');
        const [download] = await Promise.all([auditor.waitForEvent('download'), auditor.getByRole('link', { name: 'Download signoff.zip' }).click()]);
        expect(download.suggestedFilename()).toMatch(/^signoff-eng_.*\.zip$/);
        await auditor.reload();
        await settled(auditor);
        const digest = (await auditor.getByTestId('signoff-sha256').first().innerText()).trim();
        await expect(auditor.getByLabel('SHA-256 of the pack you reviewed')).toHaveValue(digest);
        await auditor.getByRole('button', { name: 'Send answer' }).click();
        await expect(auditor.getByTestId('engagement-state')).toHaveText('Accepted');
        return { shot: auditor, output: `accepted signoff.zip sha256:${digest}` };
      },
    );

    await step('SLOs and error budgets', 'Finance reads the SLOs: each measured from recorded events, with the budget left and this sprint\'s burn.', async () => {
      await page.goto('/slos');
      await settled(page);
      return { shot: page };
    });

    await step('Dashboards', 'Usage per minute by tenant (the partners\' calls just now), adoption over time, the onboarding funnel, budget burn-down and audit status.', async () => {
      await page.goto('/dashboards');
      await settled(page);
      return { shot: page };
    });

    await step(
      'The OKR scoreboard: every key result measured',
      'The scoreboard on the page, over GET /api/v1/okrs and from `trust-portal okrs --json` agree, and every key result is met.',
      async () => {
        // Probes land every few seconds: the readings agree once none lands between them.
        let api: Board | undefined;
        for (let tries = 0; tries < 10; tries++) {
          run.after = okrs();
          api = await (await page.request.get('/api/v1/okrs')).json();
          if (isDeepStrictEqual(api!.key_results, run.after.key_results)) break;
        }
        expect(api!.key_results).toEqual(run.after!.key_results);
        for (const k of run.after!.key_results) expect(`KR${k.number} ${k.status}: ${k.current} (${k.detail})`).toMatch(new RegExp(`^KR${k.number} met:`));
        await page.goto('/okrs');
        await settled(page);
        for (const k of run.after!.key_results) {
          const row = page.locator(`[data-testid="okr-row"][data-kr="${k.number}"]`);
          await expect(row).toHaveAttribute('data-status', 'Met');
          await expect(row.getByTestId('okr-current')).toContainText(k.current!);
        }
        return { shot: page };
      },
    );
  } finally {
    writeReport(OUT, run);
  }

  // The written report's KR table is the CLI's.
  const html = readFileSync(join(OUT, 'report.html'), 'utf8');
  expect(html).toContain('data-result="passed"');
  const after = html.slice(html.indexOf('<caption>After the story'));
  const rows = [...after.matchAll(/<tr data-kr="(\d)" data-status="(\w+)">.*?<td class="current">(.*?)<\/td>/g)].map((m) => m.slice(1));
  expect(rows).toEqual(run.after!.key_results.map((k) => [String(k.number), k.status, esc(k.current ?? 'no data')]));
});
