import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seededRandom } from './faultProxy.ts';
import { assertConverged } from './syncInvariants.ts';
import type { Enqueued } from './syncInvariants.ts';
import { paidOrder, startSyncServer } from './syncTestServer.ts';
import type { SyncTestServer } from './syncTestServer.ts';
import { openDesk, removeDir, tempDir } from './syncTestDesk.ts';

/**
 * The desk process is killed (SIGKILL: no cleanup, no flush) again and again while it
 * bootstraps, pushes and pulls; a final run finishes. Nothing the desk enqueued may be lost or
 * applied twice, and the replica must equal the server.
 */
// A fixed seed in `npm test`, so a landing never depends on luck; SYNC_SEED explores others.
const SEED = Number(process.env.SYNC_SEED ?? 2005);
const ORDERS = 200;
let server: SyncTestServer;
let dir: string;

before(async () => {
  server = await startSyncServer('sync_kill', { sellers: 1, buyers: 1 });
  dir = tempDir();
  for (let i = 1; i <= ORDERS; i += 5) {
    await Promise.all(
      [0, 1, 2, 3, 4].map((k) => paidOrder(server, `k${String(i + k).padStart(4, '0')}`)),
    );
  }
});
after(async () => {
  await server.close();
  removeDir(dir);
});

interface RunResult {
  killed: boolean;
  done: boolean;
  events: number;
}

function runDesk(
  config: object,
  killAfterEvents: number | null,
  killDelayMs: number,
  onOutbox: (rows: Enqueued[]) => void,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'deskProcess.ts'), JSON.stringify(config)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let events = 0;
    let done = false;
    let killed = false;
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('outbox ')) onOutbox(JSON.parse(line.slice(7)) as Enqueued[]);
        else if (line === 'done') done = true;
        else if (line === 'push' || line === 'pull') {
          events++;
          if (killAfterEvents !== null && events === killAfterEvents && !killed) {
            killed = true;
            setTimeout(() => child.kill('SIGKILL'), killDelayMs);
          }
        }
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ killed, done, events }));
  });
}

test('killing the desk process during push or pull loses nothing and duplicates nothing', async () => {
  console.log(`kill test seed=${SEED} (replay with SYNC_SEED=${SEED})`);
  const random = seededRandom(SEED);
  const file = join(dir, 'killed.sqlite');
  const config = {
    file,
    url: server.url,
    token: server.tokens.get('staff1'),
    actor: server.actors.get('staff1'),
    orderIds: Array.from({ length: ORDERS }, (_, i) => `k${String(i + 1).padStart(4, '0')}`),
  };
  const seen = new Map<number, string>();
  const onOutbox = (rows: Enqueued[]) => {
    for (const r of rows) {
      const prior = seen.get(r.mutationId);
      assert.ok(prior === undefined || prior === r.commandId, 'a mutation keeps its command id');
      seen.set(r.mutationId, r.commandId);
    }
  };
  let kills = 0;
  for (let run = 0; run < 12; run++) {
    const r = await runDesk(
      config,
      1 + Math.floor(random() * 6),
      Math.floor(random() * 40),
      onOutbox,
    );
    if (r.killed && !r.done) kills++;
    if (r.done) break;
  }
  const final = await runDesk(config, null, 0, onOutbox);
  assert.equal(final.done, true);
  assert.ok(kills >= 5, `the desk died mid-sync several times (${kills})`);
  assert.equal(seen.size, ORDERS, 'every enqueued mutation was seen');

  const desk = openDesk(file, server.url, config.token!, config.actor!);
  await desk.client.syncOnce();
  const enqueued = [...seen].map(([mutationId, commandId]) => ({ mutationId, commandId }));
  const { applied, rejected } = await assertConverged(server, [{ desk, enqueued }]);
  assert.equal(applied, ORDERS, 'every ship applied exactly once');
  assert.equal(rejected, 0);
  const shipped = await server.db.query("SELECT 1 FROM orders WHERE status = 'shipped'");
  assert.equal(shipped.rowCount, ORDERS);
  const events = await server.db.query(
    `SELECT order_id FROM order_events WHERE event->>'type' = 'order_shipped'
     GROUP BY order_id HAVING count(*) > 1`,
  );
  assert.equal(events.rowCount, 0, 'no order shipped twice');
  console.log(`kill test seed=${SEED} kills=${kills}`);
  desk.close();
});
