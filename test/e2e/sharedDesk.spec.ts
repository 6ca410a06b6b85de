import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import { CORE_WORKER_SOURCE, startDemoServer } from '../shell/deskHostFixture.ts';
import { startFaultProxy } from '../sync/faultProxy.ts';
import type { FaultProxy } from '../sync/faultProxy.ts';
import { screenshot } from './sellerHarness.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

/**
 * One shop computer, one browser tab, four sign-ins (issue 11): staff1 ships an order while
 * the network is down and signs out keeping it; another merchant's staff sees only their
 * shop, with a clean sync and nothing of staff1 on screen; an agent gets the dispute desk and
 * nothing of the seller's; staff1 comes back and the kept shipment reaches the server.
 */
// Made in beforeAll: Playwright's runner also loads this file, only to list its tests.
let dir: string;
let server: RunningServer;
let proxy: FaultProxy;
let host: DeskHost;
let web: WebServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

test.beforeAll(async ({ browser: chromium }) => {
  dir = mkdtempSync(join(tmpdir(), 'desk-shared-e2e-'));
  server = await startDemoServer();
  proxy = await startFaultProxy(server.url, { seed: 12 });
  host = createDeskHost({
    core: { workerEntry: CORE_WORKER_SOURCE, workerData: { dataDir: join(dir, 'data') } },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(proxy.url),
    vault: memoryTokenVault(),
  });
  web = await startWebServer({ host, rendererDir: builtRenderer() });
  browser = chromium;
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
});
test.afterAll(async () => {
  await closePages(browser);
  await web?.close();
  await host?.close();
  await proxy?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(username: string, landing: string): Promise<void> {
  await page.getByLabel(/用户名|Username|使用者名稱/).fill(username);
  await page.getByLabel(/密码|Password|密碼/).fill('escrow-demo-2005');
  await page.getByRole('button', { name: /登录|Sign in|登入/ }).click();
  await page.getByTestId(landing).waitFor();
}

async function signOut(): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByLabel(/用户名|Username|使用者名稱/).waitFor();
}

/** The order ids the orders grid shows (it is virtual: the first screenful is enough here). */
async function shownOrderIds(): Promise<string[]> {
  return page
    .locator('[data-testid="orders-grid"] [role="row"][data-order-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-order-id') ?? ''));
}

async function waitForServerStatus(orderId: string, status: string): Promise<void> {
  // Waits on the server's state itself: each round is one sync (push and pull) and one query.
  for (;;) {
    const r = await server.ctx.db.query<{ status: string }>(
      'SELECT status FROM orders WHERE order_id = $1',
      [orderId],
    );
    if (r.rows[0]?.status === status) return;
    await host.call('sync.now', {});
  }
}

test('staff1, another merchant, an agent and staff1 again take turns on one desk', async () => {
  await page.goto(web.url);
  await signIn('staff1', 'nav-orders');
  await page.getByTestId('language').first().selectOption('en');
  await page.getByTestId('orders-count').filter({ hasText: '10 orders' }).waitFor();

  // The network goes; staff1 ships an order anyway. It waits in staff1's outbox.
  proxy.setOffline(true);
  await page.locator('#view-search').fill('demo-order-003');
  await page
    .getByTestId('orders-count')
    .filter({ hasText: /^1 order$/ })
    .waitFor();
  await page.locator('[data-order-id="demo-order-003"]').click();
  await page.keyboard.press('s');
  const dialog = page.getByRole('dialog', { name: 'Ship order demo-order-003' });
  await dialog.getByTestId('ship-carrier').selectOption('sf');
  await dialog.getByTestId('ship-tracking').fill('SF1234567890123');
  await dialog.getByTestId('ship-submit').click();
  await page.getByTestId('sync-state').filter({ hasText: '1 action waiting to sync' }).waitFor();

  // Signing out says what is unsent; staff1 keeps it for next time.
  await page.getByTestId('sign-out').click();
  await page.getByTestId('signout-pending').filter({ hasText: '1' }).waitFor();
  await screenshot(page, 'shared-01-sign-out-pending');
  await page.getByTestId('signout-keep').click();
  await page.getByLabel(/Username/).waitFor();
  proxy.setOffline(false);

  // staff2, another merchant: only their shop, synced at once, nothing of staff1 on screen.
  await signIn('staff2', 'nav-orders');
  await page.getByTestId('orders-count').filter({ hasText: '5 orders' }).waitFor();
  const theirs = await shownOrderIds();
  assert.deepEqual([...theirs].sort(), [
    'demo-order-002',
    'demo-order-006',
    'demo-order-009',
    'demo-order-012',
    'demo-order-014',
  ]);
  await page.getByTestId('sync-state').filter({ hasText: 'All changes synced' }).waitFor();
  assert.equal(await page.locator('.banner-error').count(), 0, 'no sync error banner');
  assert.equal(await page.getByTestId('order-detail').count(), 0, 'no panel left open');
  assert.equal(await page.getByTestId('notice').textContent(), '', 'no notice of staff1');
  await page.getByTestId('nav-balance').click();
  await page.getByTestId('figure-deposit').filter({ hasText: '20,000.00' }).waitFor();
  await screenshot(page, 'shared-02-other-merchant');
  await signOut();

  // agent.li: the dispute desk, none of the seller's views.
  await signIn('agent.li', 'nav-disputes');
  await page.getByTestId('nav-disputes').click();
  await page.getByTestId('case-row-demo-claim-1').waitFor();
  assert.equal(await page.getByTestId('nav-orders').count(), 0);
  assert.equal(await page.locator('.banner-error').count(), 0);
  await screenshot(page, 'shared-03-agent');
  await signOut();

  // staff1 again: the kept shipment goes out now and the desk is all synced.
  await signIn('staff1', 'nav-orders');
  await waitForServerStatus('demo-order-003', 'shipped');
  await page.getByTestId('sync-state').filter({ hasText: 'All changes synced' }).waitFor();
  assert.deepEqual(problems, []);
});
