import { renameSync, rmSync } from 'node:fs';
import type { Actor } from '../../../shared/escrow/types.ts';
import type { Db } from '../store/openDatabase.ts';
import { createOutbox } from '../sync/outbox.ts';
import type { OutboxRow } from '../sync/outbox.ts';
import { createSyncIssues } from '../sync/syncIssues.ts';
import type { SyncIssue } from '../sync/syncIssues.ts';
import { createSyncMeta } from '../sync/syncMeta.ts';
import type { OutboxRow as WithdrawalRow } from '../treasury/withdrawalOutbox.ts';

/**
 * What a replica holds depends on whom it was pulled for: a seller admin's orders carry the
 * buyers' full recipients, a seller staff's are masked, an agent's are the disputed orders of
 * every merchant. A user whose role or merchant changed on the server must not keep what the
 * old scope showed, and rows pulled since only ever take newer versions, so nothing would
 * replace it: the replica starts over, downloaded again for the new scope.
 *
 * Starting over writes a new file rather than deleting rows: deleted rows stay in a SQLite
 * file's free pages. What the user did and the server has not confirmed comes along: the
 * queued actions (under their command ids, so one the server already applied is answered with
 * its stored outcome, never applied twice), the withdrawal requests, and the refusals the user
 * has not yet dismissed (sync issues). Copies of orders as the old scope showed them (the
 * actions' base states, the issues' before-and-after) stay behind.
 */
export function scopeOf(actor: Actor): string {
  return `${actor.role}:${actor.merchantId ?? ''}`;
}

export function openForScope(file: string, actor: Actor, open: (file: string) => Db): Db {
  const scope = scopeOf(actor);
  const db = open(file);
  const meta = createSyncMeta(db);
  const held = meta.get('scope');
  if (held === scope) return db;
  // A new file, or one that never pulled (a replica from before scopes were recorded that did
  // is treated as another scope's: it may hold anything).
  if (held === null && meta.get('cookie') === null && createOutbox(db, meta).count() === 0) {
    db.transaction(() => meta.set('scope', scope)).immediate();
    return db;
  }
  const queued = createOutbox(db, meta).all();
  const withdrawals = db.prepare('SELECT * FROM withdrawal_outbox').all() as WithdrawalRow[];
  // Read without the old scope's orders: none of them comes along.
  const issues = createSyncIssues(db, () => null).list();
  // The new file is made whole beside the old one, then renamed over it: until the rename the
  // old file still holds the queued actions, so a crash or a full disk loses nothing.
  const next = `${file}.rescope`;
  try {
    removeDatabase(next);
    const fresh = open(next);
    try {
      carryOver(fresh, scope, { queued, withdrawals, issues });
    } finally {
      fresh.close();
    }
  } finally {
    db.close();
  }
  // A WAL left beside the old file would be read into the new one.
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  renameSync(next, file);
  return open(file);
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/**
 * Issues carried into a new file take ids from here up: the new file's mutations start again
 * at 1 (a new client id), and a refusal of one of those must not collide with a carried issue.
 * Issue ids only name issues (dismiss, retry); they are never sent.
 */
const CARRIED_ISSUE_IDS_FROM = 2 ** 48;

function carryOver(
  db: Db,
  scope: string,
  held: { queued: OutboxRow[]; withdrawals: WithdrawalRow[]; issues: SyncIssue[] },
) {
  const { queued, withdrawals, issues } = held;
  const meta = createSyncMeta(db);
  const outbox = createOutbox(db, meta);
  const putWithdrawal = db.prepare(
    `INSERT INTO withdrawal_outbox (request_key, amount_fen, queued_at, state, withdrawal_id,
       error_code, error_message)
     VALUES (@request_key, @amount_fen, @queued_at, @state, @withdrawal_id, @error_code,
       @error_message)`,
  );
  const syncIssues = createSyncIssues(db, () => null);
  db.transaction(() => {
    meta.set('scope', scope);
    // Recorded as the new scope sees them: without the old copies of the order, so the next
    // actions offered are those for an order this user may not see, until a pull shows it.
    issues.forEach((i, n) =>
      syncIssues.record({
        mutationId: CARRIED_ISSUE_IDS_FROM + n,
        commandId: i.commandId,
        command: i.command,
        error: i.error,
        baseState: null,
        currentState: null,
        nowMs: i.createdAt,
      }),
    );
    for (const m of queued)
      outbox.append({
        commandId: m.commandId,
        command: m.command,
        clientTime: m.clientTime,
        baseState: null,
        baseVersion: m.baseVersion,
      });
    for (const w of withdrawals) putWithdrawal.run(w);
  }).immediate();
}
