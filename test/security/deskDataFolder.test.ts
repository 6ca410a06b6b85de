import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { DESK_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../electron/web/loopbackGuard.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { startDemoServer } from '../shell/deskHostFixture.ts';

/**
 * Issue 12: "`desk.db` is created 0644 in a 0755 folder." A real web-mode desk (the same
 * entry point `npm run web` runs) keeps its data folder 0700 and every file in it 0600, also
 * when an older desk left the folder 0755 and its database 0644. POSIX only: Windows keeps the
 * profile's ACLs.
 */

const posix = process.platform !== 'win32';
/** A skip that says why: file modes are POSIX; on Windows the profile folder's ACLs apply. */
const NOT_POSIX = posix ? false : 'POSIX file modes only (Windows uses the profile ACLs)';
const root = mkdtempSync(join(tmpdir(), 'desk-datafolder-'));
const dataDir = join(root, 'data');
const rendererDir = join(root, 'renderer');
let child: ChildProcess | null = null;
let server: RunningServer | null = null;
after(async () => {
  child?.kill('SIGTERM');
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});
const webEnv = { ...process.env };
delete webEnv.ESCROW_DESK_SERVER_URL;
const modeOf = (path: string) => statSync(path).mode & 0o777;

test(
  'web mode keeps its data folder 0700 and each user replica, settings and log 0600',
  { skip: NOT_POSIX, timeout: 60_000 },
  async () => {
    server = await startDemoServer();
    mkdirSync(join(rendererDir, 'shell'), { recursive: true });
    writeFileSync(join(rendererDir, 'shell/index.html'), '<!doctype html><title>desk</title>');
    // What an older desk left behind.
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, 'stale.json'), '{}', { mode: 0o644 });

    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/web/webMain.ts',
        '--data-dir',
        dataDir,
        '--renderer-dir',
        rendererDir,
        '--port',
        '0',
        '--server-url',
        server.url,
      ],
      { env: webEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // A umask of 022, as most desktops have, would make new files 0644 without the fix.
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+/.exec(out);
        if (m) resolve(m[0]);
      });
      child!.once('exit', (code) => reject(new Error(`web mode exited ${code}`)));
    });
    const { port, hash } = new URL(url);
    const token = hash.slice('#token='.length);
    const ws = new WebSocket(
      `ws://127.0.0.1:${port}/desk`,
      [DESK_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`],
      {
        origin: `http://127.0.0.1:${port}`,
      },
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // Pushed events arrive on the same socket as answers: wait for an answer by its id.
    const answers: Array<{ id?: number; result?: { ok: boolean } }> = [];
    ws.on('message', (d) => answers.push(JSON.parse(String(d))));
    const answerTo = async (id: number) => {
      for (;;) {
        const found = answers.find((a) => a.id === id);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // settings.json is written on the first change.
    ws.send(JSON.stringify({ id: 1, method: 'settings.set', input: { locale: 'en' } }));
    ws.send(JSON.stringify({ id: 2, method: 'session.current', input: {} }));
    // Signing in opens (creates) the user's replica file.
    ws.send(
      JSON.stringify({
        id: 3,
        method: 'session.signIn',
        input: { username: 'staff1', password: 'escrow-demo-2005' },
      }),
    );
    const signedIn = await answerTo(3);
    assert.ok(signedIn.result?.ok, JSON.stringify(answers));
    // Calls are answered concurrently: sync only once signed in. The core worker takes the
    // session before this call, so once it is answered the replica file exists.
    ws.send(JSON.stringify({ id: 4, method: 'sync.now', input: {} }));
    const synced = await answerTo(4);
    assert.ok(synced.result?.ok, JSON.stringify(synced));
    ws.close();
    // A refused socket writes a log line.
    const refused = new WebSocket(
      `ws://127.0.0.1:${port}/desk`,
      [DESK_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}bad`],
      { origin: `http://127.0.0.1:${port}` },
    );
    await new Promise((resolve) =>
      refused.once('error', resolve).once('unexpected-response', resolve),
    );
    refused.terminate();
    // The log line follows the refusal.
    for (let i = 0; i < 300 && !existsSync(join(dataDir, 'logs/desk.log')); i++)
      await new Promise((r) => setTimeout(r, 50));

    assert.equal(modeOf(dataDir), 0o700, 'data folder');
    const [serverDir] = readdirSync(join(dataDir, 'replicas'));
    assert.ok(serverDir, 'a replica folder for the server');
    const replicaDir = join('replicas', serverDir);
    const replicas = readdirSync(join(dataDir, replicaDir)).map((f) => join(replicaDir, f));
    assert.ok(
      replicas.some((f) => f.endsWith('.db')),
      'staff1’s replica file',
    );
    const files = ['settings.json', 'logs/desk.log', 'stale.json', ...replicas];
    for (const f of files) assert.equal(modeOf(join(dataDir, f)), 0o600, f);
    for (const d of ['logs', 'replicas', replicaDir])
      assert.equal(modeOf(join(dataDir, d)), 0o700, `${d} folder`);
  },
);
