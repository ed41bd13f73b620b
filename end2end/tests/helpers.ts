import { expect, test, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'demo-password-123';

/** Logs in through the form and waits for the role's first screen. */
export async function login(page: Page, email: string, home: string) {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(new RegExp(`${home}$`));
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
  const jsOff = test.info().project.use.javaScriptEnabled === false;
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
