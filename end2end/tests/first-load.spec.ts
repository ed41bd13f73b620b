import zlib from 'node:zlib';
import { expect, jsOn, test } from './helpers';

/**
 * What Chromium fetches for a first visit to /login (document, CSS, JS, the main wasm and the
 * chunks it loads), counted in bytes as brotli at quality 11 sends each body: bytes, not time,
 * so the check is the same on any machine. Issue 19's target is 131 kB; until the work that
 * reaches it lands, the budget is today's size with a little room, so growth fails the build.
 */
const BUDGET_BYTES = 330_000;

test('the first load of /login stays within its byte budget', async ({ page }, testInfo) => {
  test.skip(!jsOn(testInfo), 'without JavaScript the page loads no script or wasm');
  const loads: Promise<{ path: string; bytes: number }>[] = [];
  page.on('requestfinished', (req) =>
    loads.push(
      (async () => {
        const res = await req.response();
        const body = (res && (await res.body().catch(() => null))) ?? Buffer.alloc(0);
        const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 };
        return { path: new URL(req.url()).pathname, bytes: zlib.brotliCompressSync(body, { params }).length };
      })(),
    ),
  );
  await page.goto('/login', { waitUntil: 'networkidle' });
  const seen = await Promise.all(loads);
  const total = seen.reduce((sum, r) => sum + r.bytes, 0);
  expect(seen.map((r) => r.path)).toEqual(expect.arrayContaining(['/login', expect.stringMatching(/^\/pkg\/.*\.wasm$/)]));
  const largest = [...seen].sort((a, b) => b.bytes - a.bytes).slice(0, 3).map((r) => `${r.path} ${r.bytes}`);
  expect(total, `first load of /login: ${total} bytes at brotli 11 (largest: ${largest.join(', ')})`).toBeLessThanOrEqual(BUDGET_BYTES);
});
