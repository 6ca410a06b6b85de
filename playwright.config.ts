import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/shellBrowser.ts';

/**
 * The browser tests (test/e2e/*.spec.ts) on @playwright/test, in Debian's Chromium — never a
 * downloaded browser. `npm test` runs them after the Node tests (scripts/test.mjs);
 * `npx playwright test --project=en` runs one project.
 *
 * Projects: the end-to-end stories are written in the desk's default language and run once
 * (zh-CN); the layout and axe spec runs in every language; the Electron project runs where an
 * Electron runtime is installed and says why it skips elsewhere.
 */
const LANGUAGES = ['zh-CN', 'zh-TW', 'en'] as const;

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/globalSetup.ts',
  outputDir: 'test-results/playwright',
  // Several files each run a central API, desk cores and a browser: two at a time is what the
  // shared 2-core machines take without the timers of one starving another.
  workers: 2,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 180_000,
  reporter: 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
    // Kept for failures only: the trace (DOM snapshots, network, console) and a screenshot.
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    ...LANGUAGES.map((language) => ({
      name: language,
      use: { locale: language },
      metadata: { language },
      // A new spec file runs without being listed anywhere: only the exceptions are named.
      ...(language === 'zh-CN'
        ? { testMatch: '**/*.spec.ts', testIgnore: ['**/shell-electron.spec.ts'] }
        : { testMatch: '**/layout.spec.ts' }),
    })),
    { name: 'electron', testMatch: '**/shell-electron.spec.ts' },
  ],
});
