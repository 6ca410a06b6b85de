import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export const SCREENSHOT_DIR = join('test-results', 'screenshots');

/** Saves a full-window screenshot for people to review (test-results/ is git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Runs axe (@axe-core/playwright) on the page and returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Legacy mode runs axe inside the page's frames; the default opens a helper page in the
  // context, which pages made by browser.newPage() (a context of their own) cannot do.
  const result = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel(/用户名|Username|使用者名稱/).fill(username);
  await page.getByLabel(/密码|Password|密碼/).fill(password);
  await page.getByRole('button', { name: /登录|Sign in|登入/ }).click();
  await page.getByTestId('nav-orders').waitFor();
}
