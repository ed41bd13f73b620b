import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'demo-password-123';

/**
 * The Playwright `test`, failing any test whose page throws or logs an error (a
 * hydration mismatch or a panic in the wasm shows up this way). Failed resource
 * loads are expected (tests provoke 401/403/404 answers) and are not errors here.
 */
export const test = base.extend({
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

/** Logs in through the form and waits for the role's first screen. */
export async function login(page: Page, email: string, home: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}$`));
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
