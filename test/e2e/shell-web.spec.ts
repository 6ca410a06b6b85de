import assert from 'node:assert/strict';
import { test } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { startWebServer } from '../../electron/web/webServer.ts';
import type { WebServer } from '../../electron/web/webServer.ts';
import { builtRenderer } from './builtRenderer.ts';
import { closePages } from './closePages.ts';
import { unwrap } from '../shell/deskHostFixture.ts';
import { specDemoHost } from './specDemoHost.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

const fixture = specDemoHost();
let web: WebServer;
let browser: Browser;
/** The shell's own page (the full UI, when built, is the site's index). */
const shellUrl = () => `http://127.0.0.1:${web.port}/shell/index.html#token=${web.token}`;

test.beforeAll(async ({ browser: chromium }) => {
  web = await startWebServer({ host: fixture.host, rendererDir: builtRenderer() });
  browser = chromium;
});
test.afterAll(async () => {
  await closePages(browser);
  await web?.close();
  await fixture.cleanup();
});

test('a wrong password is refused in the page with the desk error', async () => {
  const page = await browser.newPage();
  await page.goto(shellUrl());
  await page.getByLabel('用户名 / Username').fill('staff1');
  await page.getByLabel('密码 / Password').fill('wrong');
  await page.getByRole('button', { name: '登录 / Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
  await page.close();
});

test('in web mode a seller signs in, opens an order and ships it', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(shellUrl());
  // The token leaves the address bar once read.
  assert.equal(new URL(page.url()).hash, '');

  await page.getByLabel('用户名 / Username').fill('staff1');
  await page.getByLabel('密码 / Password').fill('escrow-demo-2005');
  await page.getByRole('button', { name: '登录 / Sign in' }).click();

  await page.getByTestId('open-demo-order-003').click();
  const status = page.getByTestId('order-status');
  await status.filter({ hasText: 'funds_held' }).waitFor();

  await page.getByLabel('承运商 / Carrier').selectOption('sf');
  await page.getByLabel('运单号 / Tracking no.').fill('SF202611260001');
  await page.getByRole('button', { name: '发货 / Ship' }).click();
  await status.filter({ hasText: 'shipped' }).waitFor();

  // The shipment is in the desk's replica (queued for the server), not just on screen.
  const detail = unwrap<{ order: { status: string; shipment: { trackingNo: string } } }>(
    await fixture.host.call('orders.get', { orderId: 'demo-order-003' }),
  );
  assert.equal(detail.order.status, 'shipped');
  assert.equal(detail.order.shipment.trackingNo, 'SF202611260001');
  assert.deepEqual(problems, [], 'no console errors (CSP violations show up here)');
  await page.close();
});

test('a page opened without the launch token cannot reach the desk', async () => {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${web.port}/shell/index.html`);
  await page.getByLabel('用户名 / Username').fill('staff1');
  await page.getByLabel('密码 / Password').fill('escrow-demo-2005');
  await page.getByRole('button', { name: '登录 / Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'cannot reach the desk' }).waitFor();
  await page.close();
});

test('the site index loads under the strict CSP without a console error', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(new URL(r.url()).pathname);
  });
  await page.goto(web.url);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(missing, [], 'every asset the page asks for exists');
  assert.equal(new URL(page.url()).hash, '', 'the launch token is wiped from the address bar');
  // The page renders once its first contract calls answer.
  await page.waitForFunction(() => document.body.innerText.trim().length > 0, null, {
    timeout: 20_000,
  });
  assert.deepEqual(problems, []);
  await page.close();
});
