import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const PASSWORD = 'demo-password-123';

/** A portal started for one spec file and project, with its repository host beside it. */
export type Portal = {
  /** The portal, `http://127.0.0.1:PORT`. */
  url: string;
  /** The local repository host and webhook receiver (fixtures/forge.mjs). */
  forge: string;
  /** Its signed release packs and keys (start-server.sh). */
  data: string;
};

const ROOT = resolve(__dirname, '..', '..');
const FIRST_PORT = Number(process.env.E2E_PORT ?? 3100);

/**
 * One portal at a time, each on a fresh database seeded with the demo data: a spec file
 * (in each project) gets its own, so it asserts the demo's known values, never what
 * another spec left behind.
 */
class Portals {
  private running?: { key: string; portal: Portal; proc: ChildProcess };
  private started = 0;

  async for(key: string): Promise<Portal> {
    if (this.running?.key === key) return this.running.portal;
    await this.stop();
    const n = this.started++;
    const port = FIRST_PORT + 2 * n;
    const dir = `end2end/.data/${n}`;
    const proc = spawn('bash', ['end2end/start-server.sh', String(port), dir], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const portal = { url: `http://127.0.0.1:${port}`, forge: `http://127.0.0.1:${port + 1}`, data: resolve(ROOT, dir, 'forge') };
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`portal for ${key} exited with ${proc.exitCode}`);
      const ready = await fetch(`${portal.url}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`portal for ${key} not ready in 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    this.running = { key, portal, proc };
    return portal;
  }

  async stop() {
    const proc = this.running?.proc;
    this.running = undefined;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise((r) => proc.once('exit', r));
    process.kill(-proc.pid, 'SIGTERM'); // the script, the portal and the forge
    await exited;
  }
}

let current: Portal | undefined;

/** The portal the running test talks to. */
export function portal(): Portal {
  if (!current) throw new Error('no portal: call portal() inside a test');
  return current;
}

/**
 * The Playwright `test`, on the spec file's own portal (see [`Portals`]), failing any test
 * whose page throws or logs an error (a hydration mismatch or a panic in the wasm shows up
 * this way). Failed resource loads are expected (tests provoke 401/403/404 answers) and are
 * not errors here.
 */
export const test = base.extend<{}, { portals: Portals }>({
  portals: [
    async ({}, use) => {
      const portals = new Portals();
      await use(portals);
      await portals.stop();
    },
    { scope: 'worker' },
  ],
  baseURL: async ({ portals }, use, testInfo) => {
    current = await portals.for(`${testInfo.file} ${testInfo.project.name}`);
    await use(current.url);
  },
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
    });
    await use(page);
    expect(errors, 'errors in the page').toEqual([]);
  },
});
export { expect };

/** True in the project that runs with JavaScript (and so hydration) on. */
export function jsOn(testInfo: TestInfo): boolean {
  return testInfo.project.use.javaScriptEnabled !== false;
}

/** Logs in through the form and waits for the overview every role lands on. */
export async function login(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/overview$/);
  await settled(page);
}

/**
 * Waits until the page has stopped loading: with JavaScript on, the route's lazy wasm
 * chunk arrives after the `load` event, and controls used before it hydrates would
 * submit natively (a full page load) instead of in place.
 */
export async function settled(page: Page) {
  if (jsOn(base.info())) await page.waitForLoadState('networkidle');
}

/** A suffix that keeps names unique across the two projects and reruns. */
export function unique(testInfo: TestInfo): string {
  return `${testInfo.project.name.replace(/[^a-z]/g, '')}${Date.now().toString(36)}`;
}

/**
 * Fails on serious or critical accessibility violations. axe runs inside the page, so in
 * the JavaScript-off project it checks the exact server-rendered HTML (scripts removed)
 * in a scratch page that may run axe's own script.
 */
export async function expectAccessible(page: Page) {
  let target = page;
  const jsOff = !jsOn(base.info());
  const scratch = jsOff ? await page.context().browser()!.newContext({ javaScriptEnabled: true }) : undefined;
  if (scratch) {
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '');
    target = await scratch.newPage();
    await target.setContent(html.replace(/<head>/i, `<head><base href="${page.url()}">`), { waitUntil: 'load' });
  }
  const results = await new AxeBuilder({ page: target }).analyze();
  await scratch?.close();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
