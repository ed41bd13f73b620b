import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** Screenshots for the README (docs/screenshots/), on their own fresh demo portal, JavaScript on. */
export default defineConfig({
  ...base,
  testDir: './docs',
  projects: [{ name: 'docs', use: { javaScriptEnabled: true, viewport: { width: 1280, height: 900 } } }],
});
