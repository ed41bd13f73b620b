import { expect, expectAccessible, login, settled, test } from './helpers';

test('security acknowledges an open alert on the alert centre; who and when stay on it', async ({ page }) => {
  await login(page, 'security@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page).toHaveURL(/\/alerts$/);
  await settled(page);

  // The demo's one failing repository has an open policy alert, not yet acknowledged.
  const alert = page.locator('[data-testid="open-alert"][data-kind="policy.failed"]');
  await expect(alert).toHaveCount(1);
  await expect(alert).toContainText('acme/robot-docs');
  await expect(alert.getByTestId('alert-acked')).toContainText('Not yet');
  await expectAccessible(page);

  await alert.getByRole('button', { name: /Acknowledge policy\.failed/ }).click();
  await settled(page);
  await expect(alert.getByTestId('alert-acked')).toContainText('security@operator.demo');
  await expect(alert.getByRole('button', { name: /Acknowledge/ })).toHaveCount(0);
  // Acknowledged is not fixed: the alert stays open until the repository is signed.
  await page.reload();
  await expect(page.locator('[data-testid="open-alert"][data-kind="policy.failed"]')).toContainText('security@operator.demo');
});

test('finance reads the OKR scoreboard and the SLOs, each measured or saying no data', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'OKRs' }).click();
  await expect(page).toHaveURL(/\/okrs$/);
  await settled(page);
  const rows = page.getByTestId('okr-row');
  await expect(rows).toHaveCount(5);
  // KR3 from the demo's signature status: 20 of 21 active repositories, at the goal.
  const adoption = page.locator('[data-testid="okr-row"][data-kr="3"]');
  await expect(adoption).toHaveAttribute('data-status', 'Met');
  await expect(adoption.getByTestId('okr-current')).toContainText('95.2%');
  // KR1: the demo engagement is still in fieldwork, so there is nothing to claim yet.
  const audit = page.locator('[data-testid="okr-row"][data-kr="1"]');
  await expect(audit).toHaveAttribute('data-status', 'NoData');
  await expect(audit.getByTestId('okr-current')).toContainText('No data');
  await expect(audit.getByTestId('okr-current')).toContainText('no engagement accepted yet');
  // KR5 from the demo's three packs and the prober that runs beside this portal.
  const slos = page.locator('[data-testid="okr-row"][data-kr="5"]');
  await expect(slos).toHaveAttribute('data-status', 'Met');
  await expect(slos.getByTestId('okr-current')).toContainText('uptime 100%');
  await expect(slos.getByRole('link', { name: '/slos' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'SLOs', exact: true }).click();
  await expect(page).toHaveURL(/\/slos$/);
  await settled(page);
  await expect(page.getByTestId('slo-card')).toHaveCount(5);
  const availability = page.locator('[data-testid="slo-card"][data-slo="availability"]');
  await expect(availability.getByTestId('slo-state')).toHaveText('Meets its target');
  // Acme's dead webhook message (the demo's deliberate failure): one of three not delivered in time.
  await expect(page.locator('[data-testid="slo-card"][data-slo="webhook-delivery"]').getByTestId('slo-state')).toHaveText('Misses its target');
  await expect(availability.getByTestId('burn-rule')).toHaveCount(3);
  await expectAccessible(page);
});

test('tenants have no alert centre, SLOs or scoreboard', async ({ page }) => {
  await login(page, 'admin@acme.demo');
  await expect(page.getByRole('link', { name: 'Alerts' })).toHaveCount(0);
  for (const path of ['/alerts', '/okrs', '/slos']) {
    await page.goto(path);
    await expect(page.getByRole('alert')).toContainText(/not allowed|permission|forbidden/i);
  }
});

test('finance reads the dashboards: server-drawn charts of usage, adoption, the funnel and error budgets', async ({ page }) => {
  await login(page, 'finance@operator.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboards' }).click();
  await expect(page).toHaveURL(/\/dashboards$/);
  await settled(page);
  // The demo's verifications were made when this portal was seeded, minutes ago: both tenants draw a line.
  const usage = page.getByTestId('usage-chart');
  await expect(usage.locator('polyline')).toHaveCount(2);
  await expect(usage.getByRole('img')).toHaveAttribute('aria-label', /acme-robotics \d+ events; globex 15 events/);
  // The server recorded adoption when it started, and the chart ends with adoption now: the demo's 95.2%.
  await expect(page.getByTestId('adoption-chart').getByRole('img')).toHaveAttribute('aria-label', /2 point\(s\), now 95\.2%/);
  await expect(page.getByTestId('funnel-chart').getByRole('img')).toHaveAttribute('aria-label', /2 started, 2 completed, 0 abandoned/);
  await expect(page.getByTestId('burn-down')).toHaveCount(5);
  await expect(page.locator('[data-testid="burn-down"][data-slo="time-to-pack"]')).toContainText('now 100%');
  await expect(page.getByTestId('audit-summary')).toContainText('In fieldwork');
  await expectAccessible(page);
});
