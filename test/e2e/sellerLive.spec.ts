import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { demoAccount, startSiblingHost } from '../shell/deskHostFixture.ts';
import ExcelJS from 'exceljs';
import { unwrap } from '../shell/deskHostFixture.ts';
import { demoBuyer } from './demoBuyer.ts';
import type { DemoBuyer } from './demoBuyer.ts';
import { signIn } from './sellerHarness.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of this file share one desk and its pages, in order, as people work.
test.describe.configure({ mode: 'serial' });

/**
 * Orders at a glance and know at once (issue 14, items 5 and 7), in Chromium against web mode over a real desk core and the
 * demo central API: the desk's polling is set to ten minutes, so a new paid order or refund
 * request can only reach the open list through the server's poke; each raises the browser's
 * desktop notification (recorded by a stand-in for `Notification`, which headless Chromium
 * cannot show). A second desk of the same shop (its own host and replica, signed in as the
 * shop's admin) sees the first one's notes and flags the same way, and the other way round.
 */
const fixture = specDemoHost({ syncPollMs: 10 * 60_000 });
let web: WebServer;
let page: Page;
let buyer: DemoBuyer;
let sibling: ReturnType<typeof startSiblingHost>;
let siblingWeb: WebServer;
let pageB: Page;

test.beforeAll(async ({ browser }) => {
  buyer = await demoBuyer((await fixture.server).url);
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  // A string, not a function: the test's TypeScript transform would add helpers the page lacks.
  await page.addInitScript(`
    const seen = [];
    function StandIn(title, opts) { seen.push({ title, body: (opts && opts.body) || '' }); }
    StandIn.permission = 'granted';
    StandIn.requestPermission = () => Promise.resolve('granted');
    Object.defineProperty(window, '__notices', { value: seen });
    Object.defineProperty(window, 'Notification', { value: StandIn, configurable: true });
  `);
  await page.goto(web.url);
  await signIn(page, 'staff1', demoAccount('staff1').password);
  sibling = startSiblingHost((await fixture.server).url, { syncPollMs: 10 * 60_000 });
  siblingWeb = await startWebServer({ host: sibling.host, rendererDir: builtRenderer() });
  pageB = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await pageB.goto(siblingWeb.url);
  await signIn(pageB, 'admin1', demoAccount('admin1').password);
});
test.afterAll(async () => {
  await siblingWeb?.close();
  await sibling?.cleanup();
  await page?.close();
  await web?.close();
  await fixture.cleanup();
});

async function noticesWith(text: string): Promise<{ title: string; body: string }> {
  const handle = await page.waitForFunction(
    (t) =>
      (window as unknown as { __notices: { title: string; body: string }[] }).__notices.find((n) =>
        n.body.includes(t),
      ),
    text,
  );
  return (await handle.jsonValue()) as { title: string; body: string };
}

test('a new paid order reaches the open list through a poke and raises a notification', async () => {
  // The replica's first download is history, not news: wait until it is in.
  await page.getByTestId('orders-grid').getByText('demo-order-001').waitFor();
  await page.locator('[data-testid="sync-state"][data-state="idle"]').waitFor();
  const orderId = await buyer.paidOrder({
    merchantId: 'm-hz-tea',
    amountFen: 36_545,
    title: '狮峰龙井 50g',
  });
  await page.getByTestId('orders-grid').getByText(orderId).waitFor();
  const notice = await noticesWith(orderId);
  assert.equal(notice.title, '新订单已付款');
  assert.match(notice.body, /¥365\.45 · 狮峰龙井 50g/);
});

test('a refund request raises its own notification', async () => {
  const orderId = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 5_000 });
  await noticesWith(orderId);
  await buyer.requestRefund(orderId, { amountFen: 5_000, reason: '拍错了' });
  await page.waitForFunction(
    (id) =>
      (window as unknown as { __notices: { title: string; body: string }[] }).__notices.some(
        (n) => n.title === '新的退款申请' && n.body.includes(id),
      ),
    orderId,
  );
});

test("another merchant's new order neither reaches this desk nor notifies it", async () => {
  const elsewhere = await buyer.paidOrder({ merchantId: 'm-sz-elec', amountFen: 9_900 });
  // A later order of this shop arrives after it (pokes and pulls keep commit order).
  const mine = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 1_200 });
  await noticesWith(mine);
  const all = await page.evaluate(
    () => (window as unknown as { __notices: { body: string }[] }).__notices,
  );
  assert.ok(!all.some((n) => n.body.includes(elsewhere)));
  assert.equal(await page.getByTestId('orders-grid').getByText(elsewhere).count(), 0);
});

/** The note cell of `orderId`'s row in a desk's orders grid. */
const noteCell = (p: Page, orderId: string) =>
  p
    .getByTestId('orders-grid')
    .locator('[role="row"]', { hasText: orderId })
    .getByTestId('row-note');

test('a note and flag set on one desk reach the other desk of the shop, and back', async () => {
  const orderId = 'demo-order-001';
  await page.getByTestId('orders-grid').getByText(orderId).dblclick();
  const editor = page.getByTestId('note-editor');
  await editor.getByTestId('flag-red').check();
  await editor.getByTestId('note-text').fill('客户要求周五前发货');
  await editor.getByTestId('note-save').click();
  await page
    .getByRole('status')
    .filter({ hasText: `已保存订单 ${orderId} 的备注` })
    .waitFor();

  await pageB.getByTestId('orders-grid').getByText(orderId).waitFor();
  await noteCell(pageB, orderId).filter({ hasText: '客户要求周五前发货' }).waitFor();
  assert.equal(
    await noteCell(pageB, orderId).locator('[data-flag]').getAttribute('data-flag'),
    'red',
  );

  await pageB.getByTestId('orders-grid').getByText(orderId).dblclick();
  await pageB.getByTestId('note-editor').getByTestId('flag-green').check();
  await pageB.getByTestId('note-editor').getByTestId('note-save').click();
  await noteCell(page, orderId).locator('[data-flag="green"]').waitFor();
  // The server holds it, merchant-scoped: a buyer's view of the order carries neither.
  const server = await fixture.server;
  const stored = await server.ctx.db.query<{ state: { sellerNote?: string; flag?: string } }>(
    'SELECT state FROM orders WHERE order_id = $1',
    [orderId],
  );
  assert.equal(stored.rows[0]!.state.flag, 'green');
  assert.equal(stored.rows[0]!.state.sellerNote, '客户要求周五前发货');
});

/** A tab's live count as shown. */
async function tabCount(p: Page, status: string): Promise<number> {
  const text = await p.getByTestId(`tab-${status}`).getByTestId('tab-count').innerText();
  return Number(text.replace(/[^\d]/g, ''));
}

test('status tabs count live, columns sort, filters save, and the filter exports to CSV and XLSX', async () => {
  await page.getByTestId('nav-orders').click();
  const counts = unwrap<{ byStatus: Record<string, number> }>(
    await fixture.host.call('orders.counts', {}),
  );
  const held = counts.byStatus.funds_held ?? 0;
  await page
    .getByTestId('tab-funds_held')
    .getByTestId('tab-count')
    .filter({ hasText: String(held) })
    .waitFor();
  await page.getByTestId('tab-funds_held').click();
  await page
    .getByTestId('orders-count')
    .filter({ hasText: `${held} ` })
    .waitFor();

  // A new payment counts at once in its tab (the poke, the pull, then the list and counts).
  await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 999_900, title: '大红袍礼盒' });
  await page
    .getByTestId('tab-funds_held')
    .getByTestId('tab-count')
    .filter({ hasText: String(held + 1) })
    .waitFor();
  assert.equal(await tabCount(page, 'funds_held'), held + 1);

  // Largest amount first, then smallest first.
  await page.getByTestId('sort-amount').click();
  const firstRow = page.getByTestId('orders-grid').locator('[role="row"][aria-rowindex="2"]');
  await firstRow.filter({ hasText: '大红袍礼盒' }).waitFor();
  await page.getByTestId('sort-amount').click();
  await page.getByTestId('sort-amount').and(page.locator('[data-sort="asc"]')).waitFor();
  await firstRow.filter({ hasNotText: '大红袍礼盒' }).waitFor();

  // Save the filter, leave it, come back through the saved chip.
  await page.getByTestId('saved-filter-name').fill('待发货');
  await page.getByTestId('saved-filter-save').click();
  await page.getByTestId('tab-all').click();
  await page.getByTestId('tab-all').and(page.locator('[aria-selected="true"]')).waitFor();
  await page.getByTestId('saved-filter').filter({ hasText: '待发货' }).click();
  await page.getByTestId('tab-funds_held').and(page.locator('[aria-selected="true"]')).waitFor();
  await page.getByTestId('sort-amount').and(page.locator('[data-sort="asc"]')).waitFor();

  const [csvFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-orders-csv').click(),
  ]);
  const csv = readFileSync((await csvFile.path())!, 'utf8').replace(/^\uFEFF/, '');
  const [header, ...lines] = csv.trim().split('\r\n');
  assert.equal(
    header,
    '订单号,下单时间（Asia/Shanghai）,买家,商品,数量,金额（元）,状态,快递公司,运单号,旗帜,备注',
  );
  assert.equal(lines.length, held + 1);
  assert.deepEqual(
    lines.filter((l) => !l.includes(',买家已付款，请发货,')),
    [],
  );
  // Smallest first, as on screen; amounts are plain numbers.
  assert.match(lines.at(-1)!, /,9999\.00,/);

  const [xlsxFile] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-orders-xlsx').click(),
  ]);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await xlsxFile.path())!);
  const sheet = book.worksheets[0]!;
  assert.equal(sheet.getRow(1).getCell(1).value, '订单号');
  assert.equal(sheet.rowCount, held + 2);
  assert.equal(sheet.getRow(held + 2).getCell(6).value, 9999);
});
