import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { _electron } from '@playwright/test';
import { ROOT, buildElectron, buildRenderer } from '../../scripts/buildApp.mjs';
import { electronSqliteBinding, installedElectron } from '../../scripts/electronRuntime.mjs';
import { startDemoServer } from '../shell/deskHostFixture.ts';

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

    await page.getByLabel('用户名 / Username').fill('staff1');
    await page.getByLabel('密码 / Password').fill('escrow-demo-2005');
    await page.getByRole('button', { name: '登录 / Sign in' }).click();
    await page.getByTestId('open-demo-order-003').click();
    const status = page.getByTestId('order-status');
    await status.filter({ hasText: 'funds_held' }).waitFor();
    await page.getByLabel('承运商 / Carrier').selectOption('sf');
    await page.getByLabel('运单号 / Tracking no.').fill('SF202611260002');
    await page.getByRole('button', { name: '发货 / Ship' }).click();
    await status.filter({ hasText: 'shipped' }).waitFor();

    // A foreign navigation is refused by the shell.
    await page.evaluate(() => {
      location.href = 'https://evil.example/';
    });
    await page.waitForTimeout(500);
    assert.match(page.url(), /^app:\/\/desk\//);
  } finally {
    await app.close();
    await server.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
