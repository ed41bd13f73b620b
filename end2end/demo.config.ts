import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * The recorded sprint demo (`make demo`, and a test in `make test`): one story on its
 * own fresh portal, with JavaScript on, in the same Debian Chromium as the browser tests.
 */
export default defineConfig({
  ...base,
  testDir: './demo',
  timeout: 600_000,
  // base.use carries Debian's Chromium (launchOptions.executablePath); nothing downloads a browser.
  projects: [{ name: 'demo', use: { ...base.use, javaScriptEnabled: true, viewport: { width: 1280, height: 900 } } }],
});
