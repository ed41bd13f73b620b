import { expect, type Page, type TestInfo } from '@playwright/test';
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

/** Fails on serious or critical accessibility violations. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
