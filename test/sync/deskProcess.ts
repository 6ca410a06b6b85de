/**
 * A desk core in its own process, for the kill tests: `node --import tsx deskProcess.ts <json>`.
 * It prints one line per step (`outbox <json>`, `push`, `pull`, `done`) so the parent can kill
 * it with SIGKILL in the middle of a push or a pull. On its first run after bootstrap it
 * enqueues one ship per order in a single transaction, so the batch exists wholly or not at all.
 */
import { createSyncClient } from '../../electron/core/sync/syncClient.ts';
import { createServerClient } from '../../electron/net/serverClient.ts';
import { createHttpTransport } from '../../electron/core/sync/syncTransport.ts';
import type { SyncTransport } from '../../electron/core/sync/syncTransport.ts';
import { openDatabase } from '../../electron/core/store/openDatabase.ts';
import type { Actor } from '../../shared/escrow/types.ts';

interface Config {
  file: string;
  url: string;
  token: string;
  actor: Actor;
  orderIds: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const db = openDatabase(config.file);
const http = createHttpTransport(
  createServerClient({ baseUrl: config.url, token: () => config.token }),
);
const say = (line: string) => process.stdout.write(`${line}\n`);
// Each call is announced before it leaves, so a kill can land while it is on the wire or
// while its answer is being stored.
const transport: SyncTransport = {
  push: (req) => (say('push'), http.push(req)),
  pull: (req) => (say('pull'), http.pull(req)),
  chain: (query) => http.chain(query),
};
const client = createSyncClient({
  db,
  transport,
  actor: config.actor,
  pushBatchSize: 20,
  bootstrapPageLimit: 60,
  pullLimit: 50,
});

function printOutbox(): void {
  const rows = db
    .prepare('SELECT mutation_id AS mutationId, command_id AS commandId FROM sync_outbox')
    .all();
  say(`outbox ${JSON.stringify(rows)}`);
}

async function main(): Promise<void> {
  printOutbox();
  for (;;) {
    try {
      await client.syncOnce();
    } catch {
      continue;
    }
    const allocated = db
      .prepare("SELECT value FROM sync_meta WHERE key = 'lastAllocatedMutationId'")
      .pluck()
      .get();
    if (allocated === undefined) {
      db.transaction(() => {
        for (const orderId of config.orderIds) {
          client.enqueue({
            type: 'ship',
            orderId,
            carrier: 'SF Express',
            trackingNo: `SF${orderId}`,
          });
        }
      }).immediate();
      printOutbox();
      continue;
    }
    if (client.pendingCount() === 0) break;
  }
  say('done');
  db.close();
}

void main();
