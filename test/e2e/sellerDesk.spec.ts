import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import { unwrap } from '../shell/deskHostFixture.ts';
import { axeViolations, screenshot, signIn } from './sellerHarness.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

/**
 * The seller desk end to end in Debian's Chromium, against web mode over a real desk core that
 * replicates the central API's demo data (staff1's tea shop): sign in, find by tracking number, ship one, batch-ship a CSV with bad rows,
 * answer a refund, check the balance, all by keyboard where a seller would use it, with axe
 * checking each main view. Screenshots land in test-results/screenshots/.
 */
const fixture = specDemoHost();
let web: WebServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];

test.beforeAll(async ({ browser: chromium }) => {
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  browser = chromium;
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    // Failed loads are reported by URL below, where the browser's own favicon probe is known.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      problems.push(m.text());
    }
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico'))
      problems.push(`${r.status()} ${r.url()}`);
  });
});
test.afterAll(async () => {
  await closePages(browser);
  await web?.close();
  await fixture.cleanup();
});

async function orderStatus(orderId: string): Promise<string> {
  const r = await fixture.host.call('orders.get', { orderId });
  return unwrap<{ order: { status: string } }>(r).order.status;
}

async function noSeriousAxe(view: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `axe on ${view}`);
}

test('a seller signs in (zh-CN by default) and switches the desk to English', async () => {
  await page.goto(web.url);
  await page.getByRole('heading', { name: '登录担保交易工作台' }).waitFor();
  await screenshot(page, '01-sign-in');
  await noSeriousAxe('sign-in');
  await signIn(page, 'staff1', 'escrow-demo-2005');
  await page.getByTestId('orders-count').filter({ hasText: '共 10 笔订单' }).waitFor();
  await screenshot(page, '02-orders-zh-CN');
  await page.getByTestId('language').first().selectOption('en');
  await page.getByTestId('orders-count').filter({ hasText: '10 orders' }).waitFor();
  // Money is formatted by Intl for CNY in the chosen locale.
  await page
    .getByRole('gridcell', { name: 'CN¥456.00' })
    .or(page.getByRole('gridcell', { name: '¥456.00' }))
    .first()
    .waitFor();
  await noSeriousAxe('orders');
});

test('"/" jumps to search and a tracking number finds its order', async () => {
  // Somewhere inert: the middle of the page may be a status tab or an export button.
  await page.locator('#orders-title').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'view-search');
  // The buyer's shipped order with an open refund: found by its tracking number.
  const shippedTracking = unwrap<{ order: { shipment: { trackingNo: string } } }>(
    await fixture.host.call('orders.get', { orderId: 'demo-order-010' }),
  ).order.shipment.trackingNo;
  await page.keyboard.type(shippedTracking);
  await page
    .getByTestId('orders-count')
    .filter({ hasText: /^1 order$/ })
    .waitFor();
  const rows = page.locator('[data-testid="orders-grid"] [role="row"][data-order-id]');
  assert.deepEqual(
    await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-order-id'))),
    ['demo-order-010'],
  );
  await screenshot(page, '03-search-by-tracking');
  // Enter opens the order: timeline with actors, postings, what happens if nothing is done.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('order-detail');
  await detail.getByRole('heading', { name: 'Order demo-order-010' }).waitFor();
  // The timeline arrives with the order's detail: wait for its third entry, not for a time.
  await detail.getByTestId('detail-timeline-list').locator('li').nth(2).waitFor();
  await screenshot(page, '04-order-detail');
  await noSeriousAxe('order detail');
  await detail.getByRole('button', { name: 'Close' }).click();
});

test('a seller ships an order from the keyboard; a malformed tracking number is refused first', async () => {
  await page.keyboard.press('/');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('demo-order-003');
  await page
    .getByTestId('orders-count')
    .filter({ hasText: /^1 order$/ })
    .waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('s');
  const dialog = page.getByRole('dialog', { name: 'Ship order demo-order-003' });
  await dialog.waitFor();
  await dialog.getByTestId('ship-carrier').selectOption('sf');
  // Nothing typed is said as such, not as a format mismatch.
  await dialog.getByTestId('ship-submit').click();
  await dialog.getByText('Enter the tracking number from the parcel or waybill').waitFor();
  await dialog.getByTestId('ship-tracking').fill('YT1234567890123');
  await dialog.getByTestId('ship-submit').click();
  await dialog.getByText('Tracking number does not match the carrier format').waitFor();
  await screenshot(page, '05-ship-dialog-invalid');
  await noSeriousAxe('ship dialog');
  assert.equal(await orderStatus('demo-order-003'), 'funds_held');
  await dialog.getByTestId('ship-tracking').fill('SF 1234 5678 90123');
  await page.keyboard.press('Enter');
  await page.getByTestId('notice').filter({ hasText: 'Order demo-order-003 shipped.' }).waitFor();
  assert.equal(await orderStatus('demo-order-003'), 'shipped');
  await page.locator('[data-order-id="demo-order-003"]').getByText('SF1234567890123').waitFor();
});

test('a CSV with two bad rows shows why, and only the good rows are shipped', async () => {
  await page.getByTestId('nav-shipping').click();
  await page
    .getByTestId('shipping-count')
    .filter({ hasText: /to ship, earliest deadline first/ })
    .waitFor();
  await screenshot(page, '06-shipping-queue');
  await noSeriousAxe('shipping');
  await page.getByTestId('open-batch').click();
  const csv = [
    'order_id,carrier,tracking_no',
    'demo-order-018,sf,SF2222333344445',
    'demo-order-019,yto,SF2222333344446',
    'demo-order-001,sf,SF2222333344447',
    'demo-order-020,digital,CARD-2026-0001',
  ].join('\n');
  await page.getByTestId('batch-text').fill(csv);
  await page.getByTestId('batch-preview').click();
  await page
    .getByTestId('batch-summary')
    .filter({ hasText: '2 rows ready, 2 rows with problems' })
    .waitFor();
  const table = page.getByTestId('batch-preview-table');
  await table.locator('tr[data-line="3"]').getByText('does not match the carrier format').waitFor();
  await table.locator('tr[data-line="4"]').getByText('cannot be shipped now').waitFor();
  await screenshot(page, '07-batch-preview');
  await noSeriousAxe('batch preview');
  // The preview changed nothing.
  assert.equal(await orderStatus('demo-order-018'), 'funds_held');
  await page.getByTestId('batch-apply').click();
  await page
    .getByTestId('batch-result')
    .filter({ hasText: '2 orders shipped, 0 refused.' })
    .waitFor();
  assert.equal(await orderStatus('demo-order-018'), 'shipped');
  assert.equal(await orderStatus('demo-order-020'), 'shipped');
  assert.equal(await orderStatus('demo-order-019'), 'funds_held');
  assert.equal(await orderStatus('demo-order-001'), 'awaiting_payment');
  await page.getByRole('button', { name: 'Close' }).click();
});

test('packing slips are laid out one per selected order for printing', async () => {
  await page.getByTestId('shipping-count').waitFor();
  // The rows' boxes (the header's box selects every order in the filter).
  const boxes = page.getByTestId('shipping-grid').locator('[data-order-id] input[type="checkbox"]');
  await boxes.first().waitFor();
  const picked = Math.min(2, await boxes.count());
  for (let i = 0; i < picked; i++) await boxes.nth(i).check();
  await page.getByTestId('print-slips').click();
  assert.equal(await page.getByTestId('packing-slip').count(), picked);
  await screenshot(page, '08-packing-slip');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.getByTestId('nav-orders').isVisible(), false);
  // Back to no emulation (not 'screen', which page.pdf would then keep and print as the screen).
  await page.emulateMedia({ media: null });
  // Web mode has no PDF writer of its own (print.savePdf answers unsupported): the button opens
  // the browser's print dialog instead.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await page.getByTestId('slips-print').click();
  await page.waitForFunction(() => (window as unknown as { printed: number }).printed === 1);
  // What that dialog (or Electron's printToPDF, the same engine) makes of the page: one A4
  // sheet per selected order and nothing else.
  const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
  assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, picked, 'one page per slip');
  await page.getByRole('button', { name: 'Back to the queue' }).click();
});

test('a seller refuses a refund with a reason from the refund queue', async () => {
  await page.getByTestId('nav-refunds').click();
  await page.getByTestId('refunds-count').filter({ hasText: '1 open request,' }).waitFor();
  await screenshot(page, '09-refunds');
  await noSeriousAxe('refunds');
  await page.getByTestId('refunds-grid').focus();
  await page.keyboard.press('r');
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('refuse-submit').click();
  await dialog.getByText('Give a reason the buyer will see.').waitFor();
  await dialog.getByTestId('refuse-reason').fill('Goods were delivered as described.');
  await dialog.getByTestId('refuse-submit').click();
  await page.getByTestId('refunds-count').filter({ hasText: '0 open requests' }).waitFor();
  const r = unwrap<{ order: { refunds: { status: string; refuseReason: string }[] } }>(
    await fixture.host.call('orders.get', { orderId: 'demo-order-010' }),
  );
  assert.equal(r.order.refunds[0]!.status, 'refused');
  assert.equal(r.order.refunds[0]!.refuseReason, 'Goods were delivered as described.');
});

test('the balance view shows held and deposit figures, the chart and the ledger', async () => {
  await page.getByTestId('nav-balance').click();
  await page.getByTestId('figure-deposit').filter({ hasText: '49,120.00' }).waitFor();
  await page.getByTestId('balance-chart').waitFor();
  assert.ok((await page.getByTestId('ledger-table').locator('tbody tr').count()) >= 1);
  await screenshot(page, '10-balance');
  await noSeriousAxe('balance');
  await page.getByTestId('nav-sync').click();
  await screenshot(page, '11-sync');
  await noSeriousAxe('sync');
  assert.deepEqual(problems, []);
});
