import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { demoAccount, unwrap } from '../shell/deskHostFixture.ts';
import { readFileSync } from 'node:fs';
import { fenOf } from '../renderer/csvFen.ts';
import { demoBuyer } from './demoBuyer.ts';
import { screenshot, signIn } from './sellerHarness.ts';
import { RECEIPT_PDF, solidPng } from './testImages.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of this file share one desk and its pages, in order, as people work.
test.describe.configure({ mode: 'serial' });

/**
 * The seller's money in Chromium against web mode over a real desk core and the demo central
 * API (issue 14, items 4 and 6): money never moves on one keypress — A on a refund row and the
 * bulk agree both open a confirmation that names the amount and the buyer, only its button
 * pays, and the notice says what was agreed — and the exported ledger, summed, equals the
 * balances on screen.
 */
const fixture = specDemoHost();
let web: WebServer;
let page: Page;
let buyerId = '';
const orders = { big: '', small1: '', small2: '' };
/** The refund the seller refused and the buyer escalated, for the agent's decision. */
const escalated = { orderId: '', refundId: '' };

test.beforeAll(async ({ browser }) => {
  const server = await fixture.server;
  const buyer = await demoBuyer(server.url);
  buyerId = buyer.buyerId;
  const refunded = async (amountFen: number, reason: string) => {
    const orderId = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen });
    await buyer.requestRefund(orderId, { amountFen, reason });
    return orderId;
  };
  orders.big = await refunded(36_545, '茶叶受潮结块');
  orders.small1 = await refunded(1_250, '少发一包');
  orders.small2 = await refunded(3_000, '包装破损');
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(web.url);
  await signIn(page, 'staff1', demoAccount('staff1').password);
});
test.afterAll(async () => {
  await page?.close();
  await web?.close();
  await fixture.cleanup();
});

async function refundStatus(orderId: string): Promise<string> {
  const r = unwrap<{ order: { refunds: { status: string }[] } }>(
    await fixture.host.call('orders.get', { orderId }),
  );
  return r.order.refunds.at(-1)!.status;
}

/** Moves the grid's keyboard selection to the row of `orderId`. */
async function selectRow(orderId: string): Promise<void> {
  const grid = page.getByTestId('refunds-grid');
  await grid.focus();
  for (let i = 0; i < 20; i++) {
    const selected = grid.locator('[role="row"][aria-selected="true"]');
    if ((await selected.count()) === 1 && (await selected.innerText()).includes(orderId)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`row ${orderId} never got selected`);
}

test('A on a refund row opens the confirmation; only its button pays, and the notice says so', async () => {
  await page.getByTestId('nav-refunds').click();
  await page.getByTestId('refunds-grid').getByText(orders.big).waitFor();
  // The buyer's reason is on the row, not hidden in a tooltip.
  await page.getByTestId('refunds-grid').getByText('茶叶受潮结块').waitFor();
  await selectRow(orders.big);

  await page.keyboard.press('a');
  const dialog = page.getByRole('dialog');
  const text = await dialog.getByTestId('money-confirm-text').innerText();
  assert.match(text, /¥365\.45/);
  assert.ok(text.includes(buyerId), text);
  assert.match(text, /无法撤销/);
  await screenshot(page, 'refund-confirm');
  // Escape walks away: nothing was queued, the request still waits for the seller.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await refundStatus(orders.big), 'requested');
  assert.equal(
    unwrap<{ pendingMutations: number }>(await fixture.host.call('sync.status', {}))
      .pendingMutations,
    0,
  );

  // A stray Enter lands on Cancel, which has focus when the dialog opens.
  await selectRow(orders.big);
  await page.keyboard.press('a');
  await dialog.getByTestId('money-confirm-text').waitFor();
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await refundStatus(orders.big), 'requested');

  await selectRow(orders.big);
  await page.keyboard.press('a');
  await dialog.getByTestId('money-confirm-submit').click();
  const notice = page.getByRole('status').filter({ hasText: '已同意退款' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /¥365\.45/);
  assert.equal(await refundStatus(orders.big), 'refunded');
});

test('bulk agree takes only the small refund-only requests, behind one confirmed total', async () => {
  await page.getByTestId('bulk-agree').click();
  const dialog = page.getByRole('dialog');
  const items = dialog.getByTestId('money-confirm-items').locator('li');
  await items.first().waitFor();
  assert.equal(await items.count(), 2);
  const text = await dialog.getByTestId('money-confirm-text').innerText();
  assert.match(text, /共 2 笔退款，合计 ¥42\.50/);
  assert.equal(await refundStatus(orders.small1), 'requested');
  await dialog.getByTestId('money-confirm-submit').click();
  await page.getByRole('status').filter({ hasText: '已同意 2 笔退款，合计 ¥42.50' }).waitFor();
  assert.equal(await refundStatus(orders.small1), 'refunded');
  assert.equal(await refundStatus(orders.small2), 'refunded');
  // The large demo request (¥1,500) was never offered.
  assert.equal(await refundStatus('demo-order-010'), 'requested');
});

test('refusing picks a preset reason and the notice says the refund was refused', async () => {
  const buyer = await demoBuyer((await fixture.server).url);
  const orderId = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 8_800 });
  await buyer.requestRefund(orderId, { amountFen: 8_800, reason: '不想要了' });
  await fixture.host.call('sync.now', {});
  await page.getByTestId('refunds-grid').getByText(orderId).waitFor();
  await selectRow(orderId);
  await page.keyboard.press('r');
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('refuse-preset').selectOption('as_described');
  assert.equal(await dialog.getByTestId('refuse-reason').inputValue(), '商品与描述相符。');
  await dialog.getByTestId('refuse-submit').click();
  await page
    .getByRole('status')
    .filter({ hasText: `已拒绝订单 ${orderId} 的退款` })
    .waitFor();
  assert.equal(await refundStatus(orderId), 'refused');
});

/** A money text on screen ("¥49,120.00", "-¥3.50") as fen. */
function screenFen(text: string): number {
  const m = /(-?)[^\d-]*([\d,]+)\.(\d{2})/.exec(text);
  if (!m) throw new Error(`no amount in ${JSON.stringify(text)}`);
  const fen = Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] ? -fen : fen;
}

test('the exported ledger CSV, summed, equals the balances on screen', async () => {
  await page.getByTestId('nav-balance').click();
  const deposit = page.getByTestId('figure-deposit').locator('.card-value');
  await deposit.filter({ hasText: /\d/ }).waitFor();
  await page.getByTestId('statement-table').locator('tbody tr').first().waitFor();
  const onScreen = {
    'merchant:m-hz-tea:deposit': screenFen(await deposit.innerText()),
    'merchant:m-hz-tea:available': screenFen(
      await page.getByTestId('figure-available').locator('.card-value').innerText(),
    ),
  };
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-csv').click(),
  ]);
  const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  const [header, ...rows] = text.trim().split('\r\n');
  assert.equal(header!.split(',')[6], '金额（元）');
  const sums = new Map<string, number>();
  for (const row of rows) {
    const f = row.split(',');
    sums.set(f[4]!, (sums.get(f[4]!) ?? 0) + fenOf(f[6]!));
  }
  for (const [account, fen] of Object.entries(onScreen)) {
    assert.equal(sums.get(account) ?? 0, fen, account);
    // The statement table's closing balance says the same.
    const closing = page
      .getByTestId('statement-table')
      .locator(`tr[data-account="${account}"]`)
      .getByTestId('statement-closing');
    if (fen !== 0) assert.equal(screenFen(await closing.innerText()), fen, account);
  }
});

test('agreeing to a return shows the shop return address, and needs one', async () => {
  const server = await fixture.server;
  // A shop that has not set its return address yet (the demo shops all have one).
  await server.ctx.db.query(
    "DELETE FROM merchant_addresses WHERE merchant_id = 'm-hz-tea' AND kind = 'return'",
  );
  const buyer = await demoBuyer(server.url);
  const orderId = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 12_000 });
  // A return needs goods that were sent: the desk ships it first.
  await fixture.host.call('sync.now', {});
  unwrap(
    await fixture.host.call('shipments.ship', {
      commandId: randomUUID(),
      orderId,
      carrier: 'sf',
      trackingNo: `SF${String(Date.now()).slice(-13).padStart(13, '7')}`,
    }),
  );
  await fixture.host.call('sync.now', {});
  await buyer.requestRefund(orderId, {
    amountFen: 12_000,
    reason: '颜色不对',
    kind: 'return_and_refund',
  });
  await fixture.host.call('sync.now', {});
  await page.getByTestId('nav-refunds').click();
  await page.getByTestId('refunds-grid').getByText(orderId).waitFor();
  await page.getByTestId('return-address-line').filter({ hasText: '尚未设置' }).waitFor();
  await selectRow(orderId);
  await page.keyboard.press('a');
  const dialog = page.getByRole('dialog');
  await dialog
    .getByTestId('money-confirm-address')
    .filter({ hasText: '尚未设置退货地址' })
    .waitFor();
  assert.equal(await dialog.getByTestId('money-confirm-submit').isDisabled(), true);
  await page.keyboard.press('Escape');

  // Seller staff may not set it; the shop's admin may (the server decides).
  const login = async (username: string) => {
    const r = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: demoAccount(username).password }),
    });
    return ((await r.json()) as { token: string }).token;
  };
  const setAddress = (token: string) =>
    fetch(`${server.url}/v1/merchant/addresses/return`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        name: '王店长',
        mobile: '13800138000',
        province: '浙江省',
        city: '杭州市',
        district: '西湖区',
        detail: '龙井路 1 号',
        postcode: '310013',
      }),
    });
  assert.equal((await setAddress(await login('staff1'))).status, 403);
  assert.equal((await setAddress(await login('admin1'))).status, 200);

  await selectRow(orderId);
  await page.keyboard.press('a');
  await dialog
    .getByTestId('money-confirm-address')
    .filter({ hasText: '买家将把商品寄到：王店长 · 13800138000 · 浙江省杭州市西湖区龙井路 1 号' })
    .waitFor();
  await dialog.getByTestId('money-confirm-submit').click();
  await page
    .getByRole('status')
    .filter({ hasText: `已同意订单 ${orderId} 退货` })
    .waitFor();
  assert.equal(await refundStatus(orderId), 'awaiting_return');
});

test('the buyer’s photos open from the queue; a refusal carries a PDF that an agent reads once escalated', async () => {
  const server = await fixture.server;
  const buyer = await demoBuyer(server.url);
  const orderId = await buyer.paidOrder({ merchantId: 'm-hz-tea', amountFen: 6_600 });
  const photos = [
    await buyer.upload('罐子.png', solidPng(64, 48, [200, 40, 40]), 'image/png'),
    await buyer.upload('封口.png', solidPng(48, 64, [40, 120, 200]), 'image/png'),
  ];
  const refundId = await buyer.requestRefund(orderId, {
    amountFen: 6_600,
    reason: '罐子压扁，茶叶洒了',
    photos,
  });
  await fixture.host.call('sync.now', {});
  await page.getByTestId('nav-refunds').click();
  const row = page.getByTestId('refunds-grid').locator('[role="row"]').filter({ hasText: orderId });
  await row.getByTestId('refund-photos').filter({ hasText: '2 张照片' }).click();

  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('refund-files-reason').filter({ hasText: '罐子压扁' }).waitFor();
  const thumbs = dialog.getByTestId('buyer-photos').getByTestId('refund-thumb').locator('img');
  await thumbs.nth(1).waitFor();
  // Drawn from the bytes the server sent (data: URL), not a broken image.
  for (const i of [0, 1])
    assert.ok(await thumbs.nth(i).evaluate((img: HTMLImageElement) => img.naturalWidth > 0));
  await screenshot(page, 'refund-photos');
  await dialog.getByTestId('buyer-photos').getByTestId('refund-thumb').first().click();
  const viewer = page.getByTestId('evidence-viewer');
  await viewer.locator('img').waitFor();
  assert.equal(
    await viewer.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth),
    64,
  );
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'detached' });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // Refusing with evidence: the dialog says what happens, uploads, then refuses in one step.
  await selectRow(orderId);
  await page.keyboard.press('r');
  await dialog.getByTestId('refuse-preset').selectOption('as_described');
  await dialog.getByTestId('refuse-evidence').setInputFiles({
    name: '签收单.pdf',
    mimeType: 'application/pdf',
    buffer: RECEIPT_PDF,
  });
  await dialog.getByTestId('refuse-outcome').filter({ hasText: '1 个附件' }).waitFor();
  await screenshot(page, 'refuse-with-evidence');
  await dialog.getByTestId('refuse-submit').click();
  await page
    .getByRole('status')
    .filter({ hasText: `已拒绝订单 ${orderId} 的退款，并附上 1 个凭证` })
    .waitFor();
  for (let round = 0; round < 50; round++) {
    const order = (
      await server.ctx.db.query<{ n: string }>(
        "SELECT jsonb_array_length(state->'refunds'->0->'sellerEvidence') AS n FROM orders WHERE order_id = $1",
        [orderId],
      )
    ).rows[0];
    if (Number(order?.n) === 1) break;
    await fixture.host.call('sync.now', {});
  }
  assert.equal(await refundStatus(orderId), 'refused');
  await buyer.escalate(orderId, refundId);
  Object.assign(escalated, { orderId, refundId });

  // An agent on the same install: the escalated refund with both sides' words and files.
  await page.getByTestId('sign-out').click();
  await page.getByLabel(/用户名|Username|使用者名稱/).fill('agent.li');
  await page.getByLabel(/密码|Password|密碼/).fill(demoAccount('agent.li').password);
  await page.getByRole('button', { name: /登录|Sign in|登入/ }).click();
  await page.getByTestId('nav-escalations').waitFor();
  await fixture.host.call('sync.now', {});
  await page.getByTestId('nav-escalations').click();
  const escalation = page.getByTestId('escalation-row').filter({ hasText: orderId });
  await escalation.filter({ hasText: '罐子压扁' }).filter({ hasText: '商品与描述相符' }).waitFor();
  await escalation.getByTestId('escalation-files').filter({ hasText: '3 个文件' }).click();
  await dialog.getByTestId('buyer-photos').getByTestId('refund-thumb').nth(1).waitFor();
  await dialog.getByTestId('seller-evidence').getByTestId('refund-pdf').click();
  await page.getByTestId('evidence-viewer').locator('canvas').first().waitFor();
  await screenshot(page, 'agent-escalation-evidence');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
});

test('the agent refunds part of an escalated refund after the dialog says how much goes to whom', async () => {
  const server = await fixture.server;
  const { orderId } = escalated;
  assert.ok(orderId, 'the escalation test ran first');
  const row = page.getByTestId('escalation-row').filter({ hasText: orderId });
  await row.getByTestId('escalation-decide').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('申请退款 ¥66.00', { exact: false }).waitFor();
  // Nothing chosen: nothing is sent, and the dialog says what is missing.
  await dialog.getByTestId('resolve-submit').click();
  await dialog.getByRole('alert').filter({ hasText: '请选择处理结果' }).waitFor();
  await dialog.getByTestId('resolve-refund').check();
  // More than the buyer asked for (¥66.00) is refused before anything is sent.
  await dialog.getByTestId('resolve-amount').fill('70');
  await dialog.getByTestId('resolve-note').fill('罐子压扁属实，茶叶部分可用，退还 50 元。');
  await dialog.getByTestId('resolve-submit').click();
  await dialog.getByRole('alert').filter({ hasText: '不能超过买家申请的 ¥66.00' }).waitFor();
  await dialog.getByTestId('resolve-amount').fill('50');
  // The correction clears the complaint.
  await dialog.getByRole('alert').filter({ hasText: /^$/ }).waitFor();
  await dialog
    .getByTestId('resolve-consequence')
    .filter({ hasText: '¥50.00 将从担保中退还给买家' })
    .filter({ hasText: '少于买家申请的 ¥66.00' })
    .waitFor();
  await dialog.getByTestId('resolve-submit').filter({ hasText: '退款 ¥50.00' }).waitFor();
  await screenshot(page, 'agent-resolve-escalation');
  await dialog.getByTestId('resolve-submit').click();
  await page.getByRole('status').filter({ hasText: `已决定退款：¥50.00 退还给买家` }).waitFor();
  // Off the list at once (the replica's overlay), then decided by the server once synced.
  await row.waitFor({ state: 'detached' });
  let refund: { status?: string; refundedFen?: number } | undefined;
  for (let round = 0; round < 50 && refund?.status !== 'refunded'; round++) {
    await fixture.host.call('sync.now', {});
    refund = (
      await server.ctx.db.query<{ status: string; refundedFen: number }>(
        `SELECT state->'refunds'->0->>'status' AS status, (state->>'refundedFen')::int AS "refundedFen"
           FROM orders WHERE order_id = $1`,
        [orderId],
      )
    ).rows[0];
  }
  assert.deepEqual(refund, { status: 'refunded', refundedFen: 5_000 });
});
