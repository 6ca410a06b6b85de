import type { Browser } from '@playwright/test';

/**
 * Closes every page a spec file opened. The browser is Playwright's, shared by the files a
 * worker runs one after another: a desk page left open would keep syncing and reloading
 * against servers that are gone, taking CPU from the next file.
 */
export async function closePages(browser: Browser | undefined): Promise<void> {
  await Promise.all((browser?.contexts() ?? []).map((c) => c.close()));
}
