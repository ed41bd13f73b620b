import { expect, expectAccessible, jsOn, login, settled, test } from './helpers';

test('security lands on an overview: the failing repository first, its figures, the OKR tiles', async ({ page }) => {
  await login(page, 'security@operator.demo');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  // Every page names its icon, and the icon is served.
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', '/favicon.svg');
  const icon = await page.request.get('/favicon.svg');
  expect([icon.status(), icon.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
  const failing = page.getByTestId('attention-item').filter({ hasText: 'acme/robot-docs' });
  await expect(failing).toHaveAttribute('data-tone', 'bad');
  await expect(page.getByTestId('attention-item').first()).toHaveAttribute('data-tone', 'bad');
  const adoption = page.getByTestId('overview-figure').filter({ hasText: 'Signed policy adoption' });
  await expect(adoption.getByTestId('figure-value')).toHaveText('95.2%');
  await expect(page.getByTestId('okr-tile')).toHaveCount(5);
  await expect(page.locator('[data-testid="okr-tile"][data-kr="3"]')).toHaveAttribute('data-status', 'Met');
  await expectAccessible(page);
  // Each item links to where to act on it.
  await failing.getByRole('link').click();
  await expect(page).toHaveURL(/\/alerts$/);
});

test('finance sees this month against the same days of last month, and a tenant only its own', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  const verifications = page.getByTestId('overview-figure').filter({ hasText: 'Verifications this month' });
  await expect(verifications.getByTestId('figure-value')).toHaveText('56');
  // Acme's CI also called the API last month (on the 4th, 12th and 20th), so the trend depends on today's date.
  await expect(verifications.getByTestId('figure-trend')).toContainText('on the same days last month');
  await expect(page.getByTestId('overview-figure').filter({ hasText: /Invoices \d{4}-\d{2} \(draft\)/ })).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();

  await login(page, 'admin@globex.demo');
  await expect(page.getByTestId('overview-figure').filter({ hasText: 'Verifications this month' }).getByTestId('figure-value')).toHaveText('15');
  await expect(page.getByTestId('okr-tile')).toHaveCount(0);
  await expect(page.getByTestId('all-clear')).toContainText('Nothing needs your attention');
  await expect(page.getByRole('main')).not.toContainText('acme');
  await expectAccessible(page);
});

test('on a phone the auditor overview fits the screen', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await login(page, 'auditor@audit.demo');
  await settled(page);
  const engagement = page.getByTestId('overview-figure').filter({ hasText: 'External audit dry-run (Sprint 12)' });
  await expect(engagement.getByTestId('figure-value')).toHaveText('4 of 5 checks passed');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${jsOn(testInfo) ? 'js-on' : 'js-off'}: no sideways scrolling`).toBeLessThanOrEqual(0);
  await expectAccessible(page);

  // The navigation sits behind a Menu button on a phone, and closes once a link is followed.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Audits' })).toBeHidden();
  await page.getByTestId('mobile-menu').getByText('Menu').click();
  await nav.getByRole('link', { name: 'Audits' }).click();
  await expect(page).toHaveURL(/\/audits$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('mobile-menu')).not.toHaveAttribute('open');
  await expectAccessible(page);
});
