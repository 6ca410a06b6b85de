import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { layoutProblems, VIEWPORTS } from './layoutCheck.ts';
import { axeViolations } from './sellerHarness.ts';
import { specDemoHost } from './specDemoHost.ts';

/**
 * Every screen of both desks, in this project's language, at 1280×720, 1440×900 and
 * 1920×1080: nothing scrolls the page sideways, no key element (amounts, buttons, headings,
 * navigation, the shortcut footer) is cut or pushed out of the window, and axe finds no
 * serious or critical violation. One project per language (playwright.config.ts).
 */

test.describe.configure({ mode: 'serial' });

const fixture = specDemoHost();
let web: WebServer;
let page: Page;
const problems: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
test.afterAll(async () => {
  await page?.context().close();
  await web?.close();
  await fixture.cleanup();
});

const language = () => String(test.info().project.metadata.language ?? 'zh-CN');

/** Waits until React has painted twice, so a measurement sees the settled layout. */
const settled = (p: Page) =>
  p.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );

/** Measures one screen at every size, runs axe at 1440×900, and leaves the window there. */
async function check(screen: string): Promise<void> {
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
  for (const size of VIEWPORTS) {
    await page.setViewportSize(size);
    await settled(page);
    for (const p of await layoutProblems(page))
      problems.push(`${language()} ${screen} @ ${size.width}×${size.height}: ${p}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await settled(page);
  for (const v of await axeViolations(page)) problems.push(`${language()} ${screen} axe: ${v}`);
  // Screenshots only where something failed (Playwright keeps those): a run stays quick.
}

async function signIn(username: string, landing: string): Promise<void> {
  await page.getByLabel(/用户名|使用者名稱|Username/).fill(username);
  await page.getByLabel(/密码|密碼|Password/).fill('escrow-demo-2005');
  await page.getByRole('button', { name: /^(登录|登入|Sign in)$/ }).click();
  await page.getByTestId(landing).waitFor();
}

async function go(nav: string, ready: string): Promise<void> {
  await page.getByTestId(`nav-${nav}`).click();
  await page.getByTestId(ready).first().waitFor();
}

test('the seller desk holds its layout at three sizes', async () => {
  await page.goto(web.url);
  await page.getByTestId('language').first().selectOption(language());
  await check('sign-in');
  await signIn('staff1', 'nav-orders');
  await page.locator('[data-testid="orders-grid"] [role="row"][data-order-id]').first().waitFor();
  await check('orders');
  // The order panel beside the list: the list's figures and the panel's buttons still fit.
  await page.locator('[data-testid="orders-grid"] [role="row"][data-order-id]').first().click();
  await page.keyboard.press('Enter');
  await page.getByTestId('order-detail').waitFor();
  await check('orders-panel');
  // The panel belongs to the orders tab: the refunds tab gets the whole width.
  await go('refunds', 'refunds-count');
  assert.equal(await page.getByTestId('order-detail').count(), 0, 'the panel stayed open');
  await check('refunds');
  await go('shipping', 'shipping-count');
  await check('shipping');
  await go('balance', 'ledger-table');
  await check('balance');
  await go('claims', 'seller-claims');
  await check('claims');
  await go('sync', 'sync-summary');
  await check('sync');
  await go('orders', 'orders-count');
  assert.equal(await page.getByTestId('order-detail').count(), 0, 'the panel came back by itself');
  await page.getByTestId('sign-out').click();
});

test('the dispute desk holds its layout at three sizes', async () => {
  await page.getByRole('button', { name: /^(登录|登入|Sign in)$/ }).waitFor();
  await signIn('senior.zhao', 'nav-disputes');
  await page.getByTestId('nav-disputes').click();
  await page.locator('[data-claim-row]').first().waitFor();
  await check('queue');
  await page.locator('[data-claim-row] button.link').first().click();
  await page.getByTestId('case-view').waitFor();
  await page.getByTestId('audit-chain').waitFor();
  await check('case');
  await go('escalations', 'escalations-count');
  await check('escalations');
  await go('metrics', 'chart-weekly');
  await check('metrics');
  await go('sync', 'sync-summary');
  await check('sync-agent');
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(pageErrors, []);
});
