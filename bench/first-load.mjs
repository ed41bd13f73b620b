// Measures the first load of a page as a browser gets it: every response until the network is
// idle (document, CSS, JS, wasm and the wasm chunks it fetches), with the bytes transferred
// (compressed as the server sent them) and, for reference, each body's raw and brotli-11 sizes.
//
//   node bench/first-load.mjs [URL]          (default http://127.0.0.1:3000/login)
//
// Run it against a portal built the way `make run` builds it (precompressed assets).
import { chromium } from '@playwright/test';
import zlib from 'node:zlib';

const url = process.argv[2] ?? 'http://127.0.0.1:3000/login';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const seen = [];
page.on('requestfinished', async (req) => {
  const res = await req.response();
  if (!res) return;
  const body = await res.body().catch(() => Buffer.alloc(0));
  const sizes = await req.sizes();
  seen.push({
    path: new URL(req.url()).pathname,
    encoding: (await res.headerValue('content-encoding')) ?? 'identity',
    transferred: sizes.responseBodySize,
    raw: body.length,
    br11: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
});
await page.goto(url, { waitUntil: 'networkidle' });
await page.waitForTimeout(500);
await browser.close();

const kb = (n) => (n / 1000).toFixed(1).padStart(7);
console.log(`first load of ${url}\n`);
console.log('transferred kB  raw kB   br-11 kB  encoding  path');
let total = { transferred: 0, raw: 0, br11: 0 };
for (const r of seen.sort((a, b) => b.transferred - a.transferred)) {
  console.log(`${kb(r.transferred)}     ${kb(r.raw)}  ${kb(r.br11)}    ${r.encoding.padEnd(8)}  ${r.path}`);
  for (const k of Object.keys(total)) total[k] += r[k];
}
console.log(`${kb(total.transferred)}     ${kb(total.raw)}  ${kb(total.br11)}    total (${seen.length} responses)`);
console.log(`\ntarget 131 kB (issue 19): ${total.transferred <= 131_000 ? 'within' : 'OVER'} (${kb(total.transferred)} kB transferred, ${kb(total.br11)} kB at brotli 11)`);
