import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { buildRenderer } from '../../scripts/buildApp.mjs';
import { demoAccount, startDemoHost } from '../shell/deskHostFixture.ts';
import { demoBuyer } from './demoBuyer.ts';
import type { DemoBuyer } from './demoBuyer.ts';
import { signIn } from './sellerHarness.ts';
import { launchChromium } from './shellBrowser.ts';

/**
 * Know at once (issue 14, item 7), in Chromium against web mode over a real desk core and the
 * demo central API: the desk's polling is set to ten minutes, so a new paid order or refund
 * request can only reach the open list through the server's poke; each raises the browser's
 * desktop notification (recorded by a stand-in for `Notification`, which headless Chromium
 * cannot show).
 */
const outDir = mkdtempSync(join(tmpdir(), 'seller-live-'));
const fixture = startDemoHost({ syncPollMs: 10 * 60_000 });
let web: WebServer;
let browser: Browser;
let page: Page;
let buyer: DemoBuyer;

before(async () => {
  buyer = await demoBuyer((await fixture.server).url);
  await buildRenderer(outDir);
  web = await startWebServer({ host: fixture.host, rendererDir: outDir });
  browser = await launchChromium();
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
});
after(async () => {
  await browser?.close();
  await web?.close();
  await fixture.cleanup();
  rmSync(outDir, { recursive: true, force: true });
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
