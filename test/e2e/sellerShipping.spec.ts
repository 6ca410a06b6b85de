import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import iconv from 'iconv-lite';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { unwrap } from '../shell/deskHostFixture.ts';
import { PNG } from 'pngjs';
import { scanCode128In } from './barcodeScan.ts';
import { paidDemoOrders } from './paidDemoOrders.ts';
import { screenshot, signIn } from './sellerHarness.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of this file share one desk and one page, in order, as a seller works.
test.describe.configure({ mode: 'serial' });

/**
 * Shipping for real, end to end in Chromium over web mode, a real desk core and the central
 * API with demo data: staff1 (seller staff at the tea shop) ships 150 orders from a GBK CSV
 * that names carriers in Chinese (zh-CN), prints 120 e-waybills as one job whose every page
 * scans back to its number (zh-TW), and gets a clear answer for each kind of bad CSV, with a
 * stop button that leaves what was applied applied (en).
 */
const fixture = specDemoHost();
let api: RunningServer;
let web: WebServer;
let page: Page;
const problems: string[] = [];

const CSV_ORDERS = Array.from(
  { length: 150 },
  (_, i) => `e2e-csv-${String(i + 1).padStart(3, '0')}`,
);
const WAYBILL_ORDERS = Array.from(
  { length: 120 },
  (_, i) => `e2e-wb-${String(i + 1).padStart(3, '0')}`,
);
const STOP_ORDERS = Array.from(
  { length: 400 },
  (_, i) => `e2e-stop-${String(i + 1).padStart(3, '0')}`,
);

async function serverStatuses(orderIds: readonly string[]): Promise<Map<string, string>> {
  const r = await api.ctx.db.query<{ order_id: string; status: string }>(
    'SELECT order_id, status FROM orders WHERE order_id = ANY($1::text[])',
    [orderIds],
  );
  return new Map(r.rows.map((row) => [row.order_id, row.status]));
}

/** Syncs until the server has shipped `count` of the orders: waits on state, not on time. */
async function untilServerShipped(orderIds: readonly string[], count: number): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const shipped = [...(await serverStatuses(orderIds)).values()].filter((s) => s === 'shipped');
    if (shipped.length === count) return;
    await fixture.host.call('sync.now', {});
  }
  assert.fail(`the server never had ${count} of the orders shipped`);
}

test.beforeAll(async ({ browser }) => {
  api = await fixture.server;
  await paidDemoOrders(api, [...CSV_ORDERS, ...WAYBILL_ORDERS, ...STOP_ORDERS]);
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(m.text());
  });
  await page.goto(web.url);
  await signIn(page, 'staff1', 'escrow-demo-2005');
});
test.afterAll(async () => {
  await page?.close();
  await web?.close();
  await fixture.cleanup();
});

async function openBatch(): Promise<void> {
  await page.getByTestId('nav-shipping').click();
  await page.getByTestId('shipping-count').waitFor();
  await page.getByTestId('open-batch').click();
  await page.getByTestId('batch-file').waitFor();
}

async function closeDialog(): Promise<void> {
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^(关闭|關閉|Close)$/ })
    .last()
    .click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

test('zh-CN: 150 orders ship from a GBK CSV that names carriers in Chinese', async () => {
  // What Excel on a zh-CN Windows writes: GBK, a Chinese header, carriers by their names.
  const carriers: Array<[string, (n: number) => string]> = [
    ['顺丰速运', (n) => `SF${String(7_000_000_000_000 + n)}`],
    ['中通快递', (n) => `7${String(70_000_000_000 + n)}`],
    ['圆通速递', (n) => `YT${String(7_000_000_000_000 + n)}`],
    ['韵达快递', (n) => String(7_000_000_000_000 + n)],
    ['京东物流', (n) => `JDVA${String(70_000_000_000 + n)}`],
  ];
  const lines = ['订单号,物流公司,运单号'];
  for (const [i, orderId] of CSV_ORDERS.entries()) {
    const [name, number] = carriers[i % carriers.length]!;
    lines.push(`${orderId},${name},${number(i)}`);
  }
  const gbk = iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk');
  assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk), 'really not UTF-8');

  await openBatch();
  await page.getByTestId('batch-file').setInputFiles({
    name: '发货单.csv',
    mimeType: 'text/csv',
    buffer: gbk,
  });
  await page.getByTestId('batch-summary').filter({ hasText: '150 行可发货，0 行有问题' }).waitFor();
  await page.getByTestId('batch-encoding').filter({ hasText: 'GBK / GB18030' }).waitFor();
  // The carrier column shows the carrier the name resolved to.
  await page
    .getByTestId('batch-preview-table')
    .locator('tr[data-line="2"]')
    .getByText('顺丰速运')
    .first()
    .waitFor();
  await screenshot(page, 'shipping-01-gbk-preview');
  await page.getByTestId('batch-apply').click();
  await page
    .getByTestId('batch-result')
    .filter({ hasText: '已发货 150 笔，被拒绝 0 笔。' })
    .waitFor();
  await closeDialog();
  await untilServerShipped(CSV_ORDERS, 150);
  const shipped = unwrap<{ order: { shipment: { carrier: string; trackingNo: string } } }>(
    await fixture.host.call('orders.get', { orderId: CSV_ORDERS[1]! }),
  );
  assert.equal(shipped.order.shipment.carrier, 'zto');
});

test('zh-CN: seller staff see the recipient masked; Shift+click picks a range', async () => {
  await page.getByTestId('nav-shipping').click();
  const search = page.locator('#view-search');
  await search.fill('e2e-wb-00');
  await page.getByTestId('shipping-count').filter({ hasText: /^9 笔/ }).waitFor();
  const grid = page.getByTestId('shipping-grid');
  // The list and the open order show 张* and 138****5678, never the full values.
  await grid.getByText('张* · 杭州市').first().waitFor();
  const boxes = grid.getByRole('checkbox', { name: /e2e-wb-00/ });
  await boxes.nth(1).click();
  await boxes.nth(5).click({ modifiers: ['Shift'] });
  await page.getByTestId('shipping-selected').filter({ hasText: '已选 5 笔' }).waitFor();
  // Shift+click on a picked row unpicks it and the rows back to the last click (3, 4, 5).
  await boxes.nth(3).click({ modifiers: ['Shift'] });
  await page.getByTestId('shipping-selected').filter({ hasText: '已选 2 笔' }).waitFor();
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[data-testid="shipping-grid"] [role="row"] input:checked')]
        .map((e) => e.closest('[data-order-id]')?.getAttribute('data-order-id'))
        .join() === 'e2e-wb-002,e2e-wb-003',
  );
  await page.locator('[data-order-id="e2e-wb-001"]').dblclick();
  const recipient = page.getByTestId('detail-recipient');
  await recipient.getByText('138****5678').waitFor();
  assert.ok(
    !(await page.content()).includes('13812345678'),
    'the full number is nowhere on the page',
  );
  await screenshot(page, 'shipping-02-masked-recipient');
  await page.getByTestId('order-detail').getByRole('button', { name: '关闭' }).click();
  await search.fill('');
});

test('zh-TW: 120 e-waybills print as one job, and every page scans back to its number', async () => {
  await page.getByTestId('language').first().selectOption('zh-TW');
  await page.getByTestId('nav-shipping').click();
  await page.locator('#view-search').fill('e2e-wb');
  await page
    .getByTestId('shipping-count')
    .filter({ hasText: /^120 筆待出貨訂單/ })
    .waitFor();
  await page.getByTestId('select-all').click();
  await page.getByTestId('shipping-selected').filter({ hasText: '已選 120 筆' }).waitFor();
  await page.getByTestId('print-waybills').click();
  const dialog = page.getByRole('dialog', { name: '列印電子託運單' });
  await dialog.getByTestId('waybill-carrier').selectOption('sf');
  await dialog.getByTestId('waybill-submit').click();
  const labels = page.getByTestId('waybill');
  await page.getByTestId('waybills-print').waitFor();
  assert.equal(await labels.count(), 120);
  await screenshot(page, 'shipping-03-waybills');

  // Each label: its own number, the recipient in full (printed for the courier), no price.
  const numbers = await labels.evaluateAll((els) =>
    els.map((e) => ({ no: e.getAttribute('data-waybill-no')!, text: e.textContent ?? '' })),
  );
  assert.equal(new Set(numbers.map((n) => n.no)).size, 120, 'no number twice');
  for (const n of numbers) {
    assert.match(n.no, /^SF\d{13}$/);
    assert.ok(n.text.includes('13812345678') && n.text.includes('张伟'), 'recipient in full');
    assert.ok(!/¥|CN¥|100\.\d\d/.test(n.text), 'no price on a label');
  }

  // The print job: one 100 x 180 mm page per label and nothing else.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('nav-orders').isVisible(), false);
  await page.emulateMedia({ media: null });
  const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString(
    'latin1',
  );
  assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 120, 'one page per label');
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf);
  assert.ok(box, 'a media box');
  // 100 x 180 mm in PostScript points (72 per inch).
  assert.ok(Math.abs(Number(box[1]) - 283.46) < 1 && Math.abs(Number(box[2]) - 510.24) < 1, box[0]);

  // Every barcode, as Chromium rendered it, scanned by ZXing back to the label's number. The
  // window is made tall enough for about ten labels; one screenshot of the column the barcodes
  // stand in gives that many, each cut out where the page says it is (one element screenshot
  // per label was most of this test's time).
  const barcodes = page.getByTestId('waybill-barcode');
  const viewport = page.viewportSize()!;
  const tall = 7_200;
  await page.setViewportSize({ width: viewport.width, height: tall });
  const scanned: string[] = [];
  while (scanned.length < numbers.length) {
    const first = scanned.length;
    await barcodes.nth(first).evaluate((e) => e.scrollIntoView({ block: 'start' }));
    const boxes = await barcodes.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    const inView: typeof boxes = [];
    for (const b of boxes.slice(first)) {
      if (b.y < 0 || b.y + b.height > tall) break;
      inView.push(b);
    }
    assert.ok(inView.length > 0, `label ${first + 1} is not in the window`);
    const left = Math.floor(Math.min(...inView.map((b) => b.x)));
    const top = Math.floor(inView[0]!.y);
    const clip = {
      x: left,
      y: top,
      width: Math.ceil(Math.max(...inView.map((b) => b.x + b.width))) - left,
      height: Math.ceil(Math.max(...inView.map((b) => b.y + b.height))) - top,
    };
    const shot = PNG.sync.read(await page.screenshot({ clip }));
    const scale = shot.width / clip.width;
    for (const b of inView)
      scanned.push(
        scanCode128In(shot, {
          x: (b.x - left) * scale,
          y: (b.y - top) * scale,
          width: b.width * scale,
          height: b.height * scale,
        }),
      );
  }
  await page.setViewportSize(viewport);
  assert.deepEqual(
    scanned,
    numbers.map((n) => n.no),
  );

  // Web mode opens the browser's print dialog for the whole job.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await page.getByTestId('waybills-print').click();
  await page.waitForFunction(() => (window as unknown as { printed: number }).printed === 1);

  // The numbers are the server's, and the orders went out under them.
  const assigned = await api.ctx.db.query<{ order_id: string; waybill_no: string }>(
    'SELECT order_id, waybill_no FROM order_waybills WHERE order_id = ANY($1::text[])',
    [WAYBILL_ORDERS],
  );
  assert.equal(assigned.rows.length, 120);
  await untilServerShipped(WAYBILL_ORDERS, 120);
  const first = unwrap<{ order: { shipment: { trackingNo: string } } }>(
    await fixture.host.call('orders.get', { orderId: assigned.rows[0]!.order_id }),
  );
  assert.equal(first.order.shipment.trackingNo, assigned.rows[0]!.waybill_no);
  // Printed, yet never stored: the staff desk's data folder (replica, WAL, logs) holds no
  // full recipient, only the masked one the server sent.
  const files = readdirSync(fixture.dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
  assert.ok(
    files.some((f) => f.endsWith('.db')),
    'a replica file',
  );
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const secret of ['13812345678', '华星时代广场'])
      assert.ok(!bytes.includes(Buffer.from(secret)), `${f} holds ${secret}`);
  }
  assert.ok(
    files.some((f) => readFileSync(f).includes(Buffer.from('138****5678'))),
    'the masked number is what the replica holds',
  );
  await page.getByRole('button', { name: '返回待出貨' }).click();
  await page.locator('#view-search').fill('');
});

test('en: each kind of bad CSV gets a clear answer, and nothing bad is applied', async () => {
  await page.getByTestId('language').first().selectOption('en');
  await openBatch();
  const file = page.getByTestId('batch-file');
  // The human message (the code and raw message are folded away below it for support).
  const error = page.getByTestId('batch-error').locator('.error-human');

  // A spreadsheet or image picked by mistake.
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
  await file.setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: png });
  await error.filter({ hasText: 'This file is not a CSV text file' }).waitFor();
  // An empty file.
  await file.setInputFiles({
    name: 'empty.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('\uFEFF\r\n'),
  });
  await error.filter({ hasText: 'The file has no data rows' }).waitFor();
  // One row more than a batch takes.
  const big = ['order_id,carrier,tracking_no'];
  for (let i = 0; i < 20_001; i++) big.push(`X-${i},sf,SF${String(1_000_000_000_000 + i)}`);
  await file.setInputFiles({
    name: 'big.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(big.join('\n')),
  });
  await error.filter({ hasText: 'more rows than one batch takes (20,000)' }).waitFor();

  // UTF-8 with a BOM, semicolons, columns in another order, a quoted field holding a line
  // break, carriers in zh-TW and English, and an unknown one: every row says what it is.
  const csv = [
    'tracking number;order id;carrier',
    `SF7100000000001;${STOP_ORDERS[0]};順豐速運`,
    `"771000000001";"${STOP_ORDERS[1]}";"ZTO Express"`,
    `YT7100000000003;"note:\nsplit";圓通速遞`,
    `SF7100000000004;${STOP_ORDERS[3]};Pigeon Post`,
  ].join('\r\n');
  await file.setInputFiles({
    name: 'mixed.csv',
    mimeType: 'text/csv',
    buffer: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
  });
  await page
    .getByTestId('batch-summary')
    .filter({ hasText: '2 rows ready, 2 rows with problems' })
    .waitFor();
  await page.getByTestId('batch-encoding').filter({ hasText: 'UTF-8 (with BOM)' }).waitFor();
  const table = page.getByTestId('batch-preview-table');
  await table.locator('tr[data-line="4"]').getByText('No such order').waitFor();
  await table.locator('tr[data-line="6"]').getByText('Unknown carrier').waitFor();
  await table.locator('tr[data-line="3"]').getByText('ZTO Express').first().waitFor();
  await screenshot(page, 'shipping-04-bad-rows');
  await closeDialog();
  assert.equal((await serverStatuses([STOP_ORDERS[0]!])).get(STOP_ORDERS[0]!), 'funds_held');
});

test('en: applying shows n / N and stops when asked; what was applied stays applied', async () => {
  await openBatch();
  const rows = ['order_id,carrier,tracking_no'];
  for (const [i, orderId] of STOP_ORDERS.entries())
    rows.push(`${orderId},SF Express,SF${String(7_200_000_000_000 + i)}`);
  await page.getByTestId('batch-file').setInputFiles({
    name: 'stop.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(rows.join('\n')),
  });
  await page
    .getByTestId('batch-summary')
    .filter({ hasText: '400 rows ready, 0 rows with problems' })
    .waitFor();
  await page.getByTestId('batch-apply').click();
  await page
    .getByTestId('batch-applying')
    .filter({ hasText: /Shipping [1-9]\d* \/ 400/ })
    .waitFor();
  await page.getByTestId('batch-cancel').click();
  const result = page.getByTestId('batch-result').filter({ hasText: /^Stopped: / });
  await result.waitFor();
  const shippedByDesk = Number(
    /Stopped: ([\d,]+) orders? of 400/.exec((await result.textContent()) ?? '')?.[1],
  );
  assert.ok(shippedByDesk > 0 && shippedByDesk < 400, `stopped after ${shippedByDesk}`);
  await closeDialog();
  await untilServerShipped(STOP_ORDERS, shippedByDesk);
  assert.deepEqual(problems, []);
});

test('en: a seller admin sees the recipient in full and edits the sender address', async () => {
  await page.getByTestId('sign-out').click();
  await signIn(page, 'admin1', 'escrow-demo-2005');
  await page.getByTestId('nav-shipping').click();
  await page.locator('#view-search').fill('e2e-stop-400');
  await page.locator('[data-order-id="e2e-stop-400"]').dblclick();
  await page.getByTestId('detail-recipient').getByText('13812345678').waitFor();
  await page.getByTestId('order-detail').getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('open-addresses').click();
  const sender = page.getByTestId('address-sender');
  await sender.getByTestId('address-sender-name').fill('西湖龙井茶庄 二号仓');
  await sender.getByTestId('address-sender-mobile').fill('12345');
  await sender.getByTestId('address-sender-save').click();
  await page
    .getByTestId('address-error')
    .filter({ hasText: 'mobile number is not valid' })
    .waitFor();
  await sender.getByTestId('address-sender-mobile').fill('137 0000 9999');
  await sender.getByTestId('address-sender-save').click();
  await sender.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await sender.getByTestId('address-sender-mobile').inputValue(), '13700009999');
  const stored = await api.ctx.db.query<{ address: { name: string } }>(
    "SELECT address FROM merchant_addresses WHERE merchant_id = 'm-hz-tea' AND kind = 'sender'",
  );
  assert.equal(stored.rows[0]?.address.name, '西湖龙井茶庄 二号仓');
  await screenshot(page, 'shipping-05-addresses');
  assert.deepEqual(problems, []);
});
