import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { _electron } from '@playwright/test';
import { ROOT, buildElectron, buildRenderer } from '../../scripts/buildApp.mjs';
import { electronSqliteBinding, installedElectron } from '../../scripts/electronRuntime.mjs';
import { startDemoServer } from '../shell/deskHostFixture.ts';
import { signIn } from './sellerHarness.ts';

// The tests of a file share one desk and one page, in order, as a user works.
test.describe.configure({ mode: 'serial' });

test('in Electron a seller signs in, opens an order and ships it', async () => {
  const exe = installedElectron();
  if (!exe) {
    const reason =
      'no Electron runtime installed: node_modules/electron has no binary (it cannot be downloaded here)';
    // Printed as well as recorded, so a run's log says why the Electron project did nothing.
    console.log(`electron project skipped: ${reason}`);
    test.skip(true, reason);
    return;
  }
  await buildRenderer();
  await buildElectron();
  const binding = await electronSqliteBinding();
  const userData = mkdtempSync(join(tmpdir(), 'desk-electron-'));
  // The desk is always a replica of a central API: the demo one, as npm start embeds it.
  const server = await startDemoServer();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const app = await _electron.launch({
    executablePath: exe,
    args: [join(ROOT, 'dist/electron/main.cjs')],
    env: {
      ...env,
      ESCROW_DESK_NATIVE_BINDING: binding,
      ESCROW_DESK_USER_DATA: userData,
      ESCROW_DESK_SERVER_URL: server.url,
    },
  });
  try {
    const page = await app.firstWindow();
    assert.match(page.url(), /^app:\/\/desk\//);
    // The page sees the contract and nothing of Node or IPC.
    const surface = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      desk: Object.keys(window.desk ?? {}).sort(),
    }));
    assert.equal(surface.require, 'undefined');
    assert.equal(surface.process, 'undefined');
    assert.ok(surface.desk.includes('orders') && surface.desk.includes('subscribe'));

    // The full UI (the built renderer's index.html), as a seller uses it.
    await signIn(page, 'staff1', 'escrow-demo-2005');
    await page.keyboard.press('/');
    await page.keyboard.type('demo-order-003');
    await page
      .getByTestId('orders-count')
      .filter({ hasText: /^(共 1 笔订单|共 1 筆訂單|1 order)$/ })
      .waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('s');
    const dialog = page.getByRole('dialog', { name: /demo-order-003/ });
    await dialog.getByTestId('ship-carrier').selectOption('sf');
    await dialog.getByTestId('ship-tracking').fill('SF202611260002');
    await dialog.getByTestId('ship-submit').click();
    await page.locator('[data-order-id="demo-order-003"]').getByText('SF202611260002').waitFor();

    // A foreign navigation is refused by the shell: wait until the main process has seen the
    // attempt (its own will-navigate handler runs first), then ask where the page is.
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      (globalThis as { navigationSeen?: Promise<string> }).navigationSeen = new Promise((resolve) =>
        contents.once('will-navigate', () => setImmediate(() => resolve(contents.getURL()))),
      );
    });
    await page.evaluate(() => {
      location.href = 'https://evil.example/';
    });
    const urlAfter = await app.evaluate(
      () => (globalThis as { navigationSeen?: Promise<string> }).navigationSeen,
    );
    assert.match(urlAfter ?? '', /^app:\/\/desk\//);
    assert.match(page.url(), /^app:\/\/desk\//);
  } finally {
    await app.close();
    await server.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
