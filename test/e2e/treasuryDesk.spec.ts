import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { axeViolations, screenshot } from './sellerHarness.ts';
import { camt053 } from '../treasury/statementFiles.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of this file share one desk and one page, in order, as its users work.
test.describe.configure({ mode: 'serial' });

/**
 * The treasury views in Debian's Chromium over web mode, a real desk core and the demo API:
 * finance.wu's reconciliation view in the three languages, and a seller admin entering a payout
 * account and being told, in words, that a withdrawal waits for the cooling-off period.
 */
const fixture = specDemoHost();
let web: WebServer;
let page: Page;
const problems: string[] = [];

test.beforeAll(async ({ browser }) => {
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (e) => problems.push(e.message));
});
test.afterAll(async () => {
  await page?.close();
  await web?.close();
  await fixture.cleanup();
});

async function signIn(username: string, landing: string): Promise<void> {
  await page.getByLabel(/用户名|Username|使用者名稱/).fill(username);
  await page.getByLabel(/密码|Password|密碼/).fill('escrow-demo-2005');
  await page.getByRole('button', { name: /登录|Sign in|登入/ }).click();
  await page.getByTestId(landing).waitFor();
}

test('finance imports a statement and sees the exception in zh-CN, English and zh-TW', async () => {
  await page.goto(web.url);
  await signIn('finance.wu', 'nav-finance');
  await page.getByRole('heading', { name: '银行对账' }).waitFor();
  await page.getByText('没有未结差异。').waitFor();
  await page.getByTestId('finance-trend').waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'treasury-01-finance-zh-CN');
  // Today's statement with a credit the ledger does not know: imported, one exception queued.
  const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const xml = camt053({
    statementRef: `E2E-${date}`,
    date,
    openingFen: 0,
    lines: [{ bookedAt: Date.now(), amountFen: 6_600, bankRef: 'ICBC-NO-NOTICE-E2E' }],
  });
  await page.getByTestId('statement-file').setInputFiles({
    name: 'statement.xml',
    mimeType: 'application/xml',
    buffer: Buffer.from(xml),
  });
  await page.getByRole('button', { name: '导入并匹配' }).click();
  await page
    .getByTestId('statement-imported')
    .getByText(/对账单：1 行/)
    .waitFor();
  await page
    .locator('[data-testid="exception-row"][data-kind="unknown_line"]')
    .getByText('账簿未记的银行流水')
    .waitFor();
  await page.getByTestId('language').first().selectOption('en');
  await page.getByRole('heading', { name: 'Bank reconciliation' }).waitFor();
  await page.getByText('Line the ledger does not know').waitFor();
  await page.getByTestId('language').first().selectOption('zh-TW');
  await page.getByRole('heading', { name: '銀行對帳' }).waitFor();
  await page.getByText('帳簿未記的銀行交易').waitFor();
  await page.getByTestId('language').first().selectOption('zh-CN');
  await page.getByTestId('sign-out').click();
  await page.getByLabel(/用户名|Username|使用者名稱/).waitFor();
});

test('a seller admin enters a payout account and is told the withdrawal waits for the cooling-off', async () => {
  await signIn('admin1', 'nav-orders');
  await page.getByTestId('nav-withdrawals').click();
  const form = page.getByTestId('payout-account-form');
  await form.getByLabel('户名').fill('杭州西湖龙井茶庄');
  await form.getByLabel('开户银行及支行').fill('中国工商银行杭州分行');
  await form.getByLabel('卡号或账号').fill('6222 0212 3456 7890');
  await form.getByRole('button', { name: '保存账户' }).click();
  await page.getByTestId('payout-account-1').getByText('冷静期中').waitFor();
  await page.getByTestId('withdraw-amount').fill('100.00');
  await page.getByTestId('withdraw-submit').click();
  await page
    .getByTestId('withdraw-error')
    .getByText(/冷静期/)
    .waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'treasury-02-withdrawals-zh-CN');
  assert.deepEqual(problems, []);
});
