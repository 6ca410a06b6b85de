import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import axe from 'axe-core';

export const SCREENSHOT_DIR = join('test-results', 'screenshots');

/** Saves a full-window screenshot for people to review (test-results/ is git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) stays as is.
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, opts: object): Promise<unknown> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    };
  });
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
