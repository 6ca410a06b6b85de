import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { offlineSellerAuthenticator, seedSellerReplica } from '../fixtures/sellerReplicaSeed.ts';
import { CORE_WORKER_SOURCE } from '../shell/deskHostFixture.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import { screenshot, signIn } from './sellerHarness.ts';

test.describe.configure({ mode: 'serial' });

/**
 * The orders table over a long list (2,000 orders in the seller's replica, offline): rows are
 * recycled as it scrolls (VirtualTable keeps a fixed set of row slots, so the DOM order is
 * rotated), and what the seller sees must still be the list, in order, with nothing missing or
 * twice, and the keyboard must still walk it.
 */
const ORDERS = 2000;
const ROW_PX = 40;
let dir: string;
let host: DeskHost;
let web: WebServer;
let browser: Browser;
let page: Page;

test.beforeAll(async ({ browser: b }) => {
  dir = mkdtempSync(join(tmpdir(), 'orders-grid-'));
  seedSellerReplica(join(dir, 'data'), ORDERS);
  host = createDeskHost({
    core: { workerEntry: CORE_WORKER_SOURCE, workerData: { dataDir: join(dir, 'data') } },
    settingsFile: null,
    authenticatorFor: () => offlineSellerAuthenticator,
    vault: memoryTokenVault(),
  });
  web = await startWebServer({ host, rendererDir: builtRenderer() });
  browser = b;
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(web.url);
  await signIn(page, 'seller', 'any-password');
});

test.afterAll(async () => {
  await closePages(browser);
  await web?.close();
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Scrolls the grid to `scrollTop` and returns its rows as they then stand on screen, top to
 * bottom (index, order id, position), taken in one look once the rows in the DOM cover the view
 * and every one has its data. One look, not a wait and then a read: the table renders a new
 * window a frame after the scroll, so rows that were all loaded when a wait ended may be loading
 * ones by the time a second call reads them.
 */
async function rowsAt(
  scrollTop: number,
): Promise<{ rowIndex: number; orderId: string; top: number }[]> {
  await page
    .getByTestId('orders-grid')
    .evaluate((grid, top) => void ((grid as HTMLElement).scrollTop = top), scrollTop);
  const handle = await page
    .waitForFunction(
      ({ rowPx, orders }) => {
        const grid = document.querySelector<HTMLElement>('[data-testid="orders-grid"]')!;
        const rows = [...grid.querySelectorAll<HTMLElement>('.vt-spacer > [role="row"]')]
          .map((r) => ({
            rowIndex: Number(r.getAttribute('aria-rowindex')),
            orderId: r.getAttribute('data-order-id'),
            top: r.offsetTop,
          }))
          .sort((a, b) => a.top - b.top);
        if (rows.length === 0 || rows.some((r) => r.orderId === null)) return false;
        // The rows sit below a header one row high, in the same scroller.
        const firstInView = Math.max(0, Math.floor(grid.scrollTop / rowPx) - 1);
        const lastInView = Math.min(
          orders - 1,
          Math.ceil((grid.scrollTop + grid.clientHeight) / rowPx) - 2,
        );
        const indexes = rows.map((r) => r.rowIndex - 2);
        return Math.min(...indexes) <= firstInView && Math.max(...indexes) >= lastInView
          ? rows
          : false;
      },
      { rowPx: ROW_PX, orders: ORDERS },
      { timeout: 30_000 },
    )
    .catch((err: Error) => {
      throw new Error(`the rows never covered the view at ${scrollTop}px: ${err.message}`);
    });
  return (await handle.jsonValue()) as { rowIndex: number; orderId: string; top: number }[];
}

/** Scrolls the grid to `scrollTop`, then checks the rows it shows against the desk's list. */
async function expectListFrom(scrollTop: number): Promise<void> {
  const rows = await rowsAt(scrollTop);
  const first = rows[0]!.rowIndex - 2;
  // Consecutive, no index twice, each drawn at its own place.
  rows.forEach((r, k) => {
    assert.equal(r.rowIndex, first + k + 2);
    assert.equal(r.top, (r.rowIndex - 2) * ROW_PX, `row ${r.rowIndex}`);
  });
  const want = await host.call('orders.search', { offset: first, limit: rows.length });
  assert.ok(want.ok);
  const ids = (want.value as { rows: { orderId: string }[] }).rows.map((r) => r.orderId);
  assert.deepEqual(
    rows.map((r) => r.orderId),
    ids,
  );
}

test('scrolling a long list shows every row in order, wherever it stops', async () => {
  await page.getByTestId('orders-grid').locator('[data-order-id]').first().waitFor();
  // Down in steps that do not divide the slot count, a jump, an odd offset, and back up.
  for (const top of [0, 400, 1_000, 1_440, 37_000, 41_013, 79_000, 20_000, 380, 0])
    await expectListFrom(top);
  await expectListFrom(41_013);
  await screenshot(page, 'orders-grid-scrolled');
});

test('the keyboard walks the list across recycled rows', async () => {
  const grid = page.getByTestId('orders-grid');
  await grid.focus();
  // The row the grid names active once it is the `index`th of the list (0-based) and has its
  // data: a key press re-renders the grid, so its state is waited for, never read at once.
  const activeAt = async (index: number) => {
    await page.waitForFunction(
      (n) => {
        const g = document.querySelector('[data-testid="orders-grid"]')!;
        const id = g.getAttribute('aria-activedescendant');
        const row = id ? document.getElementById(id) : null;
        return (
          row?.getAttribute('aria-rowindex') === String(n + 2) && row.hasAttribute('data-order-id')
        );
      },
      index,
      { timeout: 30_000 },
    );
    return page.locator(`#${await grid.getAttribute('aria-activedescendant')}`);
  };
  await page.keyboard.press('Home');
  await activeAt(0);
  // Past a page of rows, one at a time: the active row is always the one just below.
  for (let i = 1; i <= 40; i++) {
    await page.keyboard.press('ArrowDown');
    const row = await activeAt(i);
    await row.and(page.locator('[aria-selected="true"]')).waitFor();
  }
  await page.keyboard.press('End');
  const lastRow = await activeAt(ORDERS - 1);
  const last = await host.call('orders.search', { offset: ORDERS - 1, limit: 1 });
  assert.ok(last.ok);
  const lastId = (last.value as { rows: { orderId: string }[] }).rows[0]!.orderId;
  assert.equal(await lastRow.getAttribute('data-order-id'), lastId);
  // The last row is in view, above the grid's bottom edge.
  const box = await lastRow.boundingBox();
  const gridBox = await grid.boundingBox();
  assert.ok(box && gridBox && box.y + box.height <= gridBox.y + gridBox.height + 1);
});
