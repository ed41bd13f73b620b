// Moving around an audit engagement's pages; shared by the audit tests and the recorded demo.
import type { Page } from '@playwright/test';
import { expect, settled } from './helpers';

/** Opens the engagement named `name` from the Audits list. */
export async function openEngagement(page: Page, name: string) {
  await page.goto('/audits');
  await settled(page);
  await page.getByRole('link', { name }).first().click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await settled(page);
}

/** Switches to the engagement's tab `label` (Overview, Checklist, Findings, Sign-off, …). */
export async function tab(page: Page, label: string) {
  await page.getByRole('navigation', { name: 'Engagement' }).getByRole('link', { name: label, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Engagement' }).getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
  await settled(page);
}
