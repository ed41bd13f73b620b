import { expect, test, expectAccessible, login } from './helpers';

/** Every role lands on its overview, and each page of its navigation opens. */
const roles = ['admin@operator.demo', 'security@operator.demo', 'finance@operator.demo', 'auditor@audit.demo', 'admin@acme.demo', 'member@acme.demo'];

for (const r of roles) {
  test(`${r} logs in and sees their overview`, async ({ page }) => {
    await login(page, r);
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByTestId('whoami')).toContainText(r);
    await expectAccessible(page);
    // Every page in this role's navigation loads fresh (server-rendered, then hydrated
    // with JavaScript on) without errors and passes the accessibility check.
    const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href') ?? ''),
    );
    expect(links.length).toBeGreaterThan(1);
    // Each page is loaded and checked by axe (about 2-3 s on two cores): the operator admin has 15.
    test.setTimeout(20_000 + links.length * 6_000);
    for (const href of links) {
      const res = await page.goto(href);
      expect(res?.status(), href).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expectAccessible(page);
    }
  });
}

test('auditors see no control that changes state', async ({ page }) => {
  await login(page, 'auditor@audit.demo');
  await page.goto('/tenants');
  await expect(page.getByTestId('tenant-row').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Create|Save|Suspend|Revoke/ })).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
});

test('tenant users cannot open operator pages', async ({ page }) => {
  await login(page, 'admin@acme.demo');
  await page.goto('/tenants');
  await expect(page.getByRole('alert')).toContainText('role does not allow');
});

test('logged-out visitors are sent to the login page', async ({ page }) => {
  await page.goto('/tenants');
  await expect(page).toHaveURL(/\/login$/);
  await expectAccessible(page);
});

test('wrong password shows a clear error', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('admin@acme.demo');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('E-mail or password is wrong');
});

test('unknown pages show a 404 page', async ({ page }) => {
  const res = await page.goto('/definitely/not/here');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page);
});
