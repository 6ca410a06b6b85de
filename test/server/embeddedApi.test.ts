import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_ACCOUNTS } from '../../server/demo/demoAccounts.ts';

/**
 * `npm run api -- --demo` (and `npm start`, which runs it) on a fresh clone: no DATABASE_URL, so
 * the embedded PGlite, in a data folder whose parents do not exist yet. Run as its own process,
 * as `npm start` does, then again on the same folder: the data must still be there.
 */
const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'embedded-api-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Started {
  url: string;
  lines: string[];
  stop(): Promise<number | null>;
}

async function startApi(dataDir: string): Promise<Started> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--demo', '--quiet', '--port', '0', '--data-dir', dataDir],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`API exited with ${code} before listening:\n${stderr}`)),
    );
  });
  return {
    url,
    lines,
    stop: () => (child.kill('SIGTERM'), exited),
  };
}

async function logIn(url: string, username: string, password: string): Promise<Response> {
  return fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

test('the embedded API starts on a fresh data folder, serves the demo, and keeps it across restarts', async () => {
  const dataDir = join(root, 'fresh', 'nested', 'api');
  const staff = DEMO_ACCOUNTS.find((a) => a.role === 'seller_staff')!;

  const first = await startApi(dataDir);
  assert.ok(first.lines.includes('demo data loaded'), first.lines.join('\n'));
  const res = await logIn(first.url, staff.username, staff.password);
  assert.equal(res.status, 200);
  const { token } = (await res.json()) as { token: string };
  const orders = await fetch(`${first.url}/v1/orders?limit=5`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(orders.status, 200);
  assert.equal(await first.stop(), 0, 'a clean stop on SIGTERM');
  assert.ok(existsSync(dataDir), 'the database lives in the data folder');

  const second = await startApi(dataDir);
  assert.ok(second.lines.includes('demo data already present'), second.lines.join('\n'));
  assert.equal((await logIn(second.url, staff.username, staff.password)).status, 200);
  assert.equal((await logIn(second.url, staff.username, 'wrong')).status, 401);
  assert.equal(await second.stop(), 0);
});
