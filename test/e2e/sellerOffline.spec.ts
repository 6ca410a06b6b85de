import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import type { Database } from '../../server/db/database.ts';
import { loadDemo } from '../../server/demo/loadDemo.ts';
import { randomBankKeyring } from '../../server/bank/bankKeys.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { CORE_WORKER_SOURCE } from '../shell/deskHostFixture.ts';
import { openTestDatabase } from '../server/testServer.ts';
import type { TestDatabase } from '../server/testServer.ts';
import { screenshot, signIn } from './sellerHarness.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

/**
 * Offline and back, end to end: web mode over a real desk core syncing with a real central
 * API (demo data). The seller signs in, the server stops, the seller ships an order
 * (shown as pending, with the offline banner), the server comes back on the same port and
 * database, and the shipment is confirmed: the pending mark goes and the server has it.
 */
// Made in beforeAll: Playwright's runner also loads this file, only to list its tests.
let dir: string;
let tdb: TestDatabase;
let serverDb: Database;
let server: RunningServer | null = null;
let serverPort = 0;
let host: DeskHost;
let web: WebServer;
let browser: Browser;
let page: Page;

async function startApi(): Promise<void> {
  server = await startServer({
    db: serverDb,
    port: serverPort,
    timerIntervalMs: false,
    bankSecrets: randomBankKeyring(),
    // The cooling-off has its own tests: the payout account below is usable at once.
    treasuryPolicy: { coolingOffMs: 0 },
    loginLimits: { perIpPerMinute: 100_000 },
    maxConnectionsPerAddress: 100_000,
  });
  serverPort = Number(new URL(server.url).port);
}

/** The central API stops; a sync round the user asks for fails and the desk says it is offline. */
async function stopApiAndSeeOffline(): Promise<void> {
  await server!.close();
  server = null;
  await page.getByTestId('nav-sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByTestId('offline-banner').waitFor({ timeout: 60_000 });
}

async function serverWithdrawals(amountFen: number): Promise<number> {
  const r = await serverDb.query('SELECT 1 FROM withdrawals WHERE amount_fen = $1', [amountFen]);
  return r.rowCount;
}

async function serverStatus(orderId: string): Promise<string | undefined> {
  const r = await serverDb.query('SELECT status FROM orders WHERE order_id = $1', [orderId]);
  return (r.rows[0] as { status?: string } | undefined)?.status;
}

test.beforeAll(async ({ browser: chromium }) => {
  dir = mkdtempSync(join(tmpdir(), 'seller-offline-'));
  // The harness database (PostgreSQL in a schema of its own when reachable, else PGlite): it
  // outlives the API process, which stops and comes back on it.
  tdb = await openTestDatabase('offline');
  serverDb = tdb.db;
  await loadDemo(serverDb);
  await startApi();
  const url = server!.url;
  host = createDeskHost({
    core: {
      workerEntry: CORE_WORKER_SOURCE,
      workerData: { dataDir: dir },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(url),
    vault: memoryTokenVault(),
  });
  web = await startWebServer({ host, rendererDir: builtRenderer() });
  browser = chromium;
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
});

test.afterAll(async () => {
  await closePages(browser);
  await web?.close();
  await host?.close();
  await server?.close();
  await tdb?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a shipment made offline is pending, then confirmed once the central API is back', async () => {
  await page.goto(web.url);
  await signIn(page, 'staff1', 'escrow-demo-2005');
  await page.getByTestId('language').first().selectOption('en');
  await page.getByTestId('nav-shipping').click();
  // The replica bootstraps from the server; the queue fills once the first pull is stored.
  const firstRow = page.locator('[data-testid="shipping-grid"] [data-order-id]').first();
  await firstRow.waitFor({ timeout: 60_000 });
  const orderId = (await firstRow.getAttribute('data-order-id'))!;
  assert.equal(await serverStatus(orderId), 'funds_held');

  await stopApiAndSeeOffline();

  await page.getByTestId('nav-shipping').click();
  await page.locator('#view-search').fill(orderId);
  const row = page.locator(`[data-testid="shipping-grid"] [data-order-id="${orderId}"]`);
  await row.getByRole('button', { name: 'Ship' }).click();
  const dialog = page.getByRole('dialog', { name: `Ship order ${orderId}` });
  await dialog.getByTestId('ship-carrier').selectOption('sf');
  await dialog.getByTestId('ship-tracking').fill('SF7654321098765');
  await dialog.getByTestId('ship-submit').click();
  await page
    .getByTestId('notice')
    .filter({ hasText: `Order ${orderId} shipped.` })
    .waitFor();
  await page.getByTestId('nav-orders').click();
  await page.locator('#view-search').fill('SF7654321098765');
  const shipped = page.locator(`[data-testid="orders-grid"] [data-order-id="${orderId}"]`);
  await shipped.getByTestId('pending-badge').waitFor();
  await page.getByTestId('offline-banner').waitFor();
  await screenshot(page, '12-offline-pending');
  assert.equal(await serverStatus(orderId), 'funds_held');

  await startApi();
  await page.getByTestId('nav-sync').click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByTestId('nav-orders').click();
  await shipped.waitFor();
  await shipped.getByTestId('pending-badge').waitFor({ state: 'detached', timeout: 60_000 });
  assert.equal(await serverStatus(orderId), 'shipped');
  await screenshot(page, '13-back-online-confirmed');
});

test('a withdrawal queued offline is counted at sign-out, kept, and sent at the next sign-in', async () => {
  // staff1 has nothing unsent: signing out asks nothing.
  await page.getByTestId('sign-out').click();
  await signIn(page, 'admin1', 'escrow-demo-2005');
  await page.getByTestId('nav-withdrawals').click();
  const form = page.getByTestId('payout-account-form');
  await form.getByLabel('Account name').fill('杭州西湖龙井茶庄');
  await form.getByLabel('Bank and branch').fill('中国工商银行杭州分行');
  await form.getByLabel('Card or account number').fill('6222 0212 3456 7890');
  await form.getByRole('button', { name: 'Save account' }).click();
  await page.getByTestId('payout-account-1').waitFor();

  await stopApiAndSeeOffline();
  await page.getByTestId('nav-withdrawals').click();
  await page.getByTestId('withdraw-amount').fill('12.34');
  await page.getByTestId('withdraw-submit').click();
  await page.locator('[data-testid="withdrawal-row"][data-status="queued"]').waitFor();

  // Signing out names it, like any action the server has not had.
  await page.getByTestId('sign-out').click();
  await page
    .getByTestId('signout-pending')
    .getByText('1 action has not been sent to the server yet.')
    .waitFor();
  await screenshot(page, '14-signout-queued-withdrawal');
  await page.getByTestId('signout-keep').click();
  await page.getByLabel(/用户名|Username|使用者名稱/).waitFor();
  assert.equal(await serverWithdrawals(1_234), 0);

  // Back online, the next sign-in's first sync round sends it, before any view asks.
  await startApi();
  await signIn(page, 'admin1', 'escrow-demo-2005');
  await expect.poll(() => serverWithdrawals(1_234), { timeout: 60_000 }).toBe(1);
  await page.getByTestId('nav-withdrawals').click();
  await page.locator('[data-testid="withdrawal-row"][data-status="requested"]').waitFor();
  await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 60_000 });
  await page.getByTestId('sign-out').click();
  await page.getByLabel(/用户名|Username|使用者名稱/).waitFor();
  assert.equal(await serverWithdrawals(1_234), 1, 'sent once');
});
