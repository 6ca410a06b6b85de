import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packTally, readPart, sha256Hex } from '../../electron/core/replica/journalParts.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import type { PageDecodeReply, PageDecodeRequest } from '../../electron/core/sync/pageDecoder.ts';
import { decodePullBody } from '../../electron/core/sync/pulledPage.ts';
import { startWorker, workerEntryBeside } from '../../electron/platform/startWorker.ts';
import { buildElectron } from '../../scripts/buildApp.mjs';
import { paidOrdersPage } from '../fixtures/pullPages.ts';
import { seedReplicaJournal } from '../fixtures/replicaJournal.ts';

// Inside the checkout, as dist/ is: the bundles require better-sqlite3 from its node_modules.
mkdirSync('test-results', { recursive: true });
const out = mkdtempSync(join('test-results', 'desk-bundle-'));
before(() => buildElectron(out));
after(() => rmSync(out, { recursive: true, force: true }));

const requiresOf = (file: string): string[] => [
  ...new Set(
    [...readFileSync(join(out, file), 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map(
      (m) => m[1]!,
    ),
  ),
];
const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

test('the sandboxed preload bundle requires nothing but electron', () => {
  assert.deepEqual(requiresOf('preload.cjs'), ['electron']);
});

test('main loads electron and the updater but never the database; only the worker does', () => {
  const main = requiresOf('main.cjs').filter((m) => !isBuiltin(m));
  assert.deepEqual(main.sort(), ['electron', 'electron-updater']);
  const worker = requiresOf('coreWorker.cjs').filter((m) => !isBuiltin(m));
  assert.deepEqual(worker, ['better-sqlite3']);
  const web = requiresOf('webMain.cjs').filter((m) => !isBuiltin(m));
  assert.ok(!web.includes('electron'), 'web mode must run without Electron');
});

test("the core worker's journal part worker is built beside it and reads a replica", async () => {
  const db = openDatabase(join(out, 'replica.sqlite'));
  try {
    seedReplicaJournal(db, { shard: 3, rows: 40 });
    const segments = [{ shard: 3, from: 1, to: 40 }];
    // Found the way the bundled core worker finds it: beside its own bundle.
    const entry = workerEntryBeside(
      pathToFileURL(resolve(out, 'coreWorker.cjs')).href,
      'journalPartWorker',
    );
    assert.ok(entry.pathname.endsWith('/journalPartWorker.cjs'));
    const job = { segments, continues: false, foldRest: [] };
    const worker = startWorker(entry, { file: db.name, ...job });
    const reply = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const { tally, fold } = readPart(db, job, sha256Hex);
    assert.equal(fold?.count, 40);
    assert.deepEqual(reply, { ok: true, tally: packTally(tally), fold });
  } finally {
    db.close();
  }
});

test(
  "the core worker's WAL checkpoint worker is built beside it and checkpoints a replica",
  { timeout: 60_000 },
  async () => {
    const file = join(out, 'checkpointed.sqlite');
    const db = openDatabase(file);
    try {
      db.exec('CREATE TABLE page (body TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO page (body) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run('x'.repeat(400));
      })();
      const before = statSync(file).size;
      const entry = workerEntryBeside(
        pathToFileURL(resolve(out, 'coreWorker.cjs')).href,
        'walCheckpointWorker',
      );
      assert.ok(entry.pathname.endsWith('/walCheckpointWorker.cjs'));
      const worker = startWorker(entry, { file: db.name });
      const exited = new Promise((resolve, reject) => {
        worker.once('exit', resolve);
        worker.once('error', reject);
      });
      worker.postMessage('checkpoint');
      // The log's pages reach the database file; then the worker ends when told.
      while (statSync(file).size < before + 150 * 4096) await new Promise((r) => setTimeout(r, 5));
      worker.postMessage('stop');
      assert.equal(await exited, 0);
    } finally {
      db.close();
    }
  },
);

test("the core worker's pull page decoder is built beside it and decodes a page", async () => {
  const entry = workerEntryBeside(
    pathToFileURL(resolve(out, 'coreWorker.cjs')).href,
    'pageDecodeWorker',
  );
  assert.ok(entry.pathname.endsWith('/pageDecodeWorker.cjs'));
  const { text } = paidOrdersPage({ orders: 3, cookie: 'c1', more: false });
  const worker = startWorker(entry, null);
  try {
    const replies: PageDecodeReply[] = [];
    const page = await new Promise<PageDecodeReply>((resolve, reject) => {
      worker.on('message', (reply: PageDecodeReply) => {
        replies.push(reply);
        if (reply.kind !== 'ready') resolve(reply);
      });
      worker.once('error', reject);
      const request: PageDecodeRequest = { id: 1, body: text };
      worker.postMessage(request);
    });
    assert.equal(replies[0]?.kind, 'ready');
    assert.deepEqual(page, { kind: 'page', id: 1, page: decodePullBody(text) });
  } finally {
    await worker.terminate();
  }
});
