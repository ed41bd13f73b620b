import { expect, test, login, settled, unique } from './helpers';

test('the SLA badge shows real numbers from API traffic', async ({ page, request }, testInfo) => {
  await login(page, 'admin@acme.demo');
  await page.goto('/keys');
  await settled(page);
  await page.getByLabel('Key name').fill(`sla-${unique(testInfo)}`);
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('new-key-secret').textContent())?.trim() ?? '';
  for (let i = 0; i < 5; i++) {
    expect((await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } })).status()).toBe(200);
  }
  await page.goto('/keys');
  const badge = page.getByTestId('sla-badge');
  await expect(badge).toHaveText(/^p95 \d+ ms • \d+\.\d\d%$/);
  expect(Number(await badge.getAttribute('data-samples'))).toBeGreaterThanOrEqual(5);
  await expect(badge).toHaveAttribute('title', /p95 \d+ ms over \d+ requests, 30 d; uptime \d+\.\d\d%, \d+\/\d+ probes/);
  await expect(badge).toHaveAttribute('data-state', /green|amber/);
});
