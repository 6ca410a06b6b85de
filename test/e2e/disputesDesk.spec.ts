import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import PDFDocument from 'pdfkit';
import type { Browser, Page } from '@playwright/test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import {
  balanceOf,
  paidOrder,
  PASSWORD,
  startDisputeServer,
} from '../disputes/disputeTestServer.ts';
import type { DisputeTestServer } from '../disputes/disputeTestServer.ts';
import { makePng } from '../disputes/pngImage.ts';
import { axeViolations, SCREENSHOT_DIR } from './sellerHarness.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

/**
 * The dispute desk in Debian's Chromium: two senior agents' desks in web mode, each signed in
 * to the real central API on PostgreSQL. One agent works a case from the queue to an approval
 * above the threshold; the desk does not let them check it themselves; the other senior agent
 * gives the second approval, and the case shows the fund's payout and the seller's recovery.
 * Screenshots land in test-results/screenshots/.
 */

const SCHEMA = 'test_e2e_disputes';
const WORKER = new URL('../../electron/core/worker/coreWorker.ts', import.meta.url);
// Made in beforeAll: Playwright's runner also loads this file, only to list its tests.
let dataDir: string;
let t: DisputeTestServer;
let browser: Browser;
const desks: { host: DeskHost; web: WebServer }[] = [];
const problems: string[] = [];
const AMOUNT_FEN = 800_000;
let orderId: string;

// An open, empty box in brown on white: what the buyer photographed.
const PNG = makePng(96, 64, (x, y) =>
  x > 20 && x < 76 && y > 16 && y < 56 && (x < 24 || x > 72 || y > 52 || y < 20)
    ? [139, 94, 52]
    : [255, 255, 255],
);

/** A real two-page PDF (pdfkit), as a bank statement a buyer would send. */
function twoPagePdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A5' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  doc.fontSize(20).text('Statement page 1');
  doc.addPage().fontSize(20).text('Statement page 2');
  doc.end();
  return done;
}

/** Whole-page screenshots: a case is longer than the window. */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
const TRACKING_PNG = makePng(64, 64, (x, y) =>
  ((x >> 3) + (y >> 3)) % 2 ? [30, 30, 30] : [250, 250, 250],
);

async function startDesk(name: string): Promise<WebServer> {
  const host = createDeskHost({
    core: {
      workerEntry: WORKER,
      workerData: { dataDir: join(dataDir, name) },
    },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(t.url),
    vault: memoryTokenVault(),
  });
  const web = await startWebServer({ host, rendererDir: builtRenderer() });
  desks.push({ host, web });
  return web;
}

async function openDesk(web: WebServer, username: string, nav = 'nav-disputes'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => problems.push(`${username}: ${e.message}`));
  page.on('console', (m) => {
    // The app page declares no icon, so Chromium's own favicon request 404s; that is not ours.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico'))
      problems.push(`${username}: ${m.text()} ${m.location().url}`);
  });
  await page.goto(web.url);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
  await page.getByTestId(nav).click();
  return page;
}

test.beforeAll(async ({ browser: chromium }) => {
  dataDir = mkdtempSync(join(tmpdir(), 'disputes-desks-'));
  t = await startDisputeServer(SCHEMA);
  // Real time: the desks' countdowns and the server agree.
  t.clock.set(Date.now());
  orderId = await paidOrder(t, { amountFen: AMOUNT_FEN, title: '明前龙井 礼盒 2kg' });
  assert.equal(
    (
      await t.api('staff1', 'POST', `/v1/orders/${orderId}/ship`, {
        carrier: 'SF Express',
        trackingNo: 'SF7700112233',
      })
    ).status,
    200,
  );
  assert.equal(
    (await t.api('b1', 'POST', `/v1/orders/${orderId}/confirm-receipt`, {})).status,
    200,
  );
  const photo = await t.upload('b1', '空箱照片.png', 'image/png', PNG);
  const letter = await t.upload('b1', '银行流水.pdf', 'application/pdf', await twoPagePdf());
  const filed = await t.api('b1', 'POST', `/v1/orders/${orderId}/claims`, {
    claimId: 'claim-e2e',
    amountFen: AMOUNT_FEN,
    reason: '收到空箱，卖家拒绝退款',
    evidence: [photo.sha256, letter.sha256],
  });
  assert.equal(filed.status, 201);
  // Another, smaller case, so the queue has something to sort and filter.
  const other = await paidOrder(t, {
    amountFen: 9_900,
    buyer: 'b2',
    merchantId: 'm2',
    title: 'USB 线',
  });
  await t.api('b2', 'POST', `/v1/orders/${other}/claims`, {
    claimId: 'claim-other',
    amountFen: 9_900,
    reason: '未收到货',
    evidence: [],
  });
  browser = chromium;
});

test.afterAll(async () => {
  await closePages(browser);
  for (const d of desks) {
    await d.web.close();
    await d.host.close();
  }
  await t?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('an agent works one case from the queue to a decision, and a second senior agent checks it', async () => {
  const maker = await openDesk(await startDesk('senior1'), 'senior1');
  const row = maker.getByTestId('case-row-claim-e2e');
  await row.waitFor();
  assert.equal(await row.getAttribute('data-priority'), 'high');
  await maker.getByTestId('case-row-claim-other').waitFor();
  await screenshot(maker, '20-disputes-queue');
  assert.deepEqual(await axeViolations(maker), [], 'axe on the queue');

  // Columns sort on the server: the smaller claim first by amount, then last.
  await maker.getByTestId('sort-amount').click();
  await maker
    .locator('[data-claim-row]')
    .first()
    .and(maker.getByTestId('case-row-claim-other'))
    .waitFor();
  await maker.getByTestId('sort-amount').click();
  await maker.locator('[data-claim-row]').first().and(row).waitFor();
  // ↑↓ move through the queue and Esc lets go, as the footer says.
  await maker.keyboard.press('ArrowDown');
  await row.and(maker.locator('[aria-current="true"]')).waitFor();
  await maker.keyboard.press('Escape');
  await maker.locator('[data-claim-row][aria-current="true"]').waitFor({ state: 'detached' });

  // Search narrows the queue as the agent types, without Enter.
  await maker.getByTestId('queue-search').fill('龙井茶庄');
  await maker.getByTestId('case-row-claim-other').waitFor({ state: 'detached' });
  await row.waitFor();

  // Agents see their own keys, never the seller's S/A/R.
  const footer = maker.getByTestId('shortcuts');
  assert.match((await footer.textContent()) ?? '', /↑↓/);
  assert.doesNotMatch((await footer.textContent()) ?? '', /发货/);
  await maker.getByTestId('open-claim-e2e').click();
  await maker.getByTestId('case-view').waitFor();
  // Esc goes back to the queue, onto the case just left; Enter opens it again.
  await footer.filter({ hasText: 'Esc' }).waitFor();
  await maker.keyboard.press('Escape');
  await row.and(maker.locator('[aria-current="true"]')).waitFor();
  await maker.keyboard.press('Enter');
  await maker.getByTestId('case-view').waitFor();
  // The footer has a line of its own: nothing of the case lies under it.
  const overlap = await maker.evaluate(() => {
    const f = document.querySelector('[data-testid="shortcuts"]')?.getBoundingClientRect();
    const view = document.querySelector('.main-scroll')?.getBoundingClientRect();
    return f && view ? view.bottom - f.top : NaN;
  });
  assert.ok(overlap <= 0, `the view ends ${overlap}px below the footer's top`);
  const checks = maker.getByTestId('buyer-evidence').getByTestId('evidence-check');
  await checks.first().waitFor();
  assert.equal(await checks.count(), 2);
  for (const text of await checks.allTextContents()) assert.match(text, /sha-256/);
  const photo = maker.getByRole('img', { name: '空箱照片.png' });
  await photo.waitFor();
  // Decoded by the browser, at the size of the file the buyer sent.
  await maker.waitForFunction(
    () =>
      (document.querySelector('img.evidence-image') as HTMLImageElement | null)?.naturalWidth ===
      96,
  );

  // The photo opens in the viewer and zooms; the PDF's pages are drawn by pdf.js.
  await maker.getByTestId('view-image').click();
  await maker.getByTestId('zoom-in').click();
  await maker.getByTestId('zoom-level').filter({ hasText: '150%' }).waitFor();
  await maker.waitForFunction(
    () =>
      (document.querySelector('[data-testid="viewer-image"]') as HTMLImageElement | null)
        ?.clientWidth === 144,
  );
  await maker.keyboard.press('Escape');
  await maker.getByTestId('evidence-viewer').waitFor({ state: 'detached' });
  await maker.getByTestId('view-pdf').click();
  await maker.getByTestId('pdf-status').filter({ hasText: '2' }).waitFor();
  assert.equal(await maker.locator('[data-testid="pdf-pages"] canvas').count(), 2);
  await screenshot(maker, '27-pdf-viewer');
  await maker.keyboard.press('Escape');
  await maker.getByTestId('evidence-viewer').waitFor({ state: 'detached' });

  await maker.getByTestId('assign-me').click();
  await maker.getByTestId('case-assignee').filter({ hasText: 'senior1' }).waitFor();
  // A message to the seller from a template, which the seller reads on their desk.
  await maker.getByTestId('message-to-seller').check();
  await maker.getByTestId('message-template').selectOption({ index: 1 });
  await maker.getByTestId('message-send').click();
  await maker.getByTestId('message-list').filter({ hasText: 'claim-e2e' }).waitFor();
  await maker.getByTestId('note-input').fill('空箱重量与快递记录一致，建议全额赔付');
  await maker.getByTestId('note-add').click();
  await maker.getByTestId('case-notes').filter({ hasText: '空箱重量' }).waitFor();
  await screenshot(maker, '21-case-view');
  assert.deepEqual(await axeViolations(maker), [], 'axe on the case');

  // The agent asks the seller for evidence; the seller answers from their own desk.
  await maker.getByTestId('request-evidence').click();
  await maker
    .getByTestId('case-status')
    .filter({ hasText: '等待卖家举证' })
    .waitFor({ timeout: 30_000 });
  const seller = await openDesk(await startDesk('staff1'), 'staff1', 'nav-claims');
  const claimCard = seller.getByTestId('seller-claim-claim-e2e');
  await claimCard.locator('time').waitFor();
  await claimCard.getByTestId('platform-messages').filter({ hasText: 'claim-e2e' }).waitFor();
  await claimCard
    .getByLabel(/文件/)
    .setInputFiles({ name: '顺丰签收单.png', mimeType: 'image/png', buffer: TRACKING_PNG });
  await claimCard.getByLabel(/说明/).fill('已按时发货，签收单显示重量 2.1kg');
  await screenshot(seller, '25-seller-claim-evidence');
  assert.deepEqual(await axeViolations(seller), [], 'axe on the seller claims');
  await claimCard.getByRole('button', { name: /提交证据/ }).click();
  await claimCard.getByRole('status').filter({ hasText: '证据已提交' }).waitFor();
  await maker
    .getByTestId('seller-evidence')
    .getByText('顺丰签收单.png')
    .waitFor({ timeout: 30_000 });
  await maker.getByTestId('case-status').filter({ hasText: '审核中' }).waitFor();

  // Nothing is chosen in advance; the desk refuses a decision that was not made.
  assert.equal(await maker.locator('[data-testid^="decision-approve"]:checked').count(), 0);
  assert.equal(await maker.getByTestId('decision-reason').inputValue(), '');
  // Full compensation above the threshold: the desk says it will wait for a second agent.
  await maker.getByTestId('decision-approve_full').check();
  await maker.getByTestId('decision-reason').selectOption('item_not_as_described');
  await maker.getByTestId('decision-note').fill('证据充分');
  await maker.getByTestId('threshold-warning').waitFor();
  await maker.getByTestId('decision-submit').click();
  // Before anything is sent the desk states the amount and who pays it.
  const lines = maker.getByTestId('confirm-lines');
  await lines.filter({ hasText: '¥8,000.00' }).filter({ hasText: '保障基金' }).waitFor();
  assert.deepEqual(await axeViolations(maker), [], 'axe on the confirmation');
  await maker.getByTestId('confirm-decision').click();
  // The decision travels through the desk's sync to the server; the case follows.
  await maker.getByTestId('decision-second').waitFor({ timeout: 30_000 });
  assert.equal(await maker.getByTestId('second-approve').count(), 0, 'the maker cannot check');
  await screenshot(maker, '22-awaiting-second-approval');
  assert.equal(await balanceOf(t, 'buyer:b1:refundable'), 0, 'nothing paid before the check');

  const checker = await openDesk(await startDesk('senior2'), 'senior2');
  await checker.getByTestId('queue-status').selectOption('awaiting_second_approval');
  await checker.getByTestId('open-claim-e2e').click();
  // A check needs a note; then the desk confirms the amount and the payer.
  assert.equal(await checker.getByTestId('second-approve').isDisabled(), true);
  await checker.getByTestId('second-note').fill('核对快递称重记录，同意赔付');
  await checker.getByTestId('second-approve').click();
  await checker
    .getByTestId('confirm-lines')
    .filter({ hasText: '¥8,000.00' })
    .filter({ hasText: '保障基金' })
    .waitFor();
  await checker.getByTestId('confirm-decision').click();
  await checker.getByTestId('decision-done').waitFor({ timeout: 30_000 });
  await checker.locator('[data-claim-leg="true"]').first().waitFor();
  await checker.getByTestId('audit-chain').filter({ hasText: '✓' }).waitFor();
  await screenshot(checker, '23-case-decided');

  // The money moved on the server: the buyer is owed the compensation, the seller repaid it.
  assert.equal(await balanceOf(t, 'buyer:b1:refundable'), AMOUNT_FEN);
  assert.equal(await balanceOf(t, 'merchant:m1:deposit'), 0);
  const verify = await t.api<{ ok: boolean }>('senior1', 'GET', '/v1/ledger/verify');
  assert.equal(verify.body.ok, true);

  await checker.getByTestId('nav-metrics').click();
  await checker.getByTestId('chart-weekly').waitFor();
  await checker.getByTestId('approval-rate').filter({ hasText: '100%' }).waitFor();
  await checker.getByTestId('time-to-resolve').waitFor();
  // Both approvers are counted, and the charts span the view.
  await checker
    .getByTestId('chart-per-agent')
    .locator('text')
    .filter({ hasText: 'senior1' })
    .waitFor();
  const widths = await checker.evaluate(() => ({
    view: document.querySelector('[data-testid="desk-metrics"]')?.clientWidth ?? 0,
    chart:
      document.querySelector('[data-testid="chart-weekly"]')?.getBoundingClientRect().width ?? 0,
  }));
  assert.ok(widths.chart > widths.view * 0.9, `chart ${widths.chart} of ${widths.view}`);
  await screenshot(checker, '24-desk-metrics');
  assert.deepEqual(await axeViolations(checker), [], 'axe on the metrics');
  assert.deepEqual(problems, [], 'no page errors or console errors (CSP violations show up here)');
});
