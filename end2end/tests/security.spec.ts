import { expect, test, PASSWORD } from './helpers';

test('a cross-site form post is refused', async ({ page, baseURL }) => {
  // A page on another origin (about:blank → opaque origin) auto-submits a login form to the portal.
  await page.setContent(`
    <form id="f" method="post" action="${baseURL}/api/login">
      <input name="email" value="admin@operator.demo"><input name="password" value="${PASSWORD}">
    </form>`);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/login')),
    page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit()).catch(() => undefined),
  ]);
  expect(response.status()).toBe(403);
  await expect(page.locator('body')).toContainText('cross_site_request');
  const cookies = await page.context().cookies(baseURL);
  expect(cookies.find((c) => c.name.endsWith('tp_session'))).toBeUndefined();
});

test('a forged Origin header is refused', async ({ request }) => {
  const r = await request.post('/api/login', {
    headers: { Origin: 'https://evil.example' },
    form: { email: 'admin@operator.demo', password: PASSWORD },
  });
  expect(r.status()).toBe(403);
});
