import { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT } from '../../shared/sync/protocol.ts';
import type { PullRequest } from '../../shared/sync/protocol.ts';
import { DeskError } from '../../shared/errors.ts';
import type { Database, Queryable } from '../db/database.ts';
import { orderEventEntrySql } from '../escrow/changeLog.ts';
import {
  redactEventChangeJsonForSeller,
  redactEventEntryJsonForSeller,
  redactOrderJsonForSeller,
} from '../http/sellerView.ts';
import { shardOf } from '../../shared/ledger/shards.ts';
import type { ShardVector } from '../../shared/sync/shardVector.ts';
import { decodeCookie, encodeCookie } from './syncCookie.ts';
import type { SyncCookie } from './syncCookie.ts';
import { agentOrderPredicate, clientHomeShard, scopeShards } from './syncScope.ts';
import type { SyncScope } from './syncScope.ts';
import { merchantAccounts } from '../../shared/ledger/accounts.ts';
import { asciiJson } from './asciiJson.ts';

/**
 * `POST /v1/sync/pull` (docs/sync.md). Answers with the response body as JSON text: orders and
 * journal rows are spliced in as PostgreSQL rendered them, so a 100,000-order bootstrap is never
 * parsed and re-serialised on the server.
 *
 * The change log is ordered per shard (docs/partitioning.md) and the cookie holds a cursor per
 * shard of the scope. Each shard's high water mark is its committed `change_seq`
 * (`shard_heads`): a writer advances it under the shard's row lock, held to commit, in the same
 * transaction as its rows, so every change up to the committed mark is committed and a cookie
 * never skips a change that commits late with a lower seq; nobody waits for a puller. The
 * marks and the client's lastMutationId are read in one statement (one snapshot), so on a final
 * page lastMutationId matches the changes delivered: a mutation reported processed always has
 * its effects (or its rejection) in what the desk has received. Shards commit in any order
 * relative to each other; each cursor only ever moves over its own shard's committed prefix.
 */
export async function pullChanges(
  db: Database,
  scope: SyncScope,
  req: PullRequest,
): Promise<string> {
  const limit = Math.min(MAX_PULL_LIMIT, Math.max(1, req.limit ?? DEFAULT_PULL_LIMIT));
  let cookie: SyncCookie | null = req.cookie === null ? null : decodeCookie(req.cookie);
  if (req.cookie !== null && cookie === null)
    throw new DeskError('invalid_input', 'unknown sync cookie');
  const shards = scopeShards(scope);
  // A cookie of another scope's shards (a desk whose user's merchant changed, or a forged one)
  // is not this desk's: it starts over.
  if (cookie !== null) {
    const named = cookie.kind === 'log' ? cookie.cursors : cookie.hw;
    if (named.size !== shards.length || shards.some((p) => !named.has(p)))
      throw new DeskError('invalid_input', 'unknown sync cookie');
  }
  if (cookie === null) {
    const mark = await highWater(db, req.clientId, shards);
    cookie = { kind: 'snapshot', hw: mark.hw, lmid: mark.lmid, phase: 'o', key: '' };
  }
  if (cookie.kind === 'snapshot') return snapshotPage(db, scope, req.clientId, cookie, limit);
  return logPage(db, scope, req.clientId, cookie.cursors, limit);
}

/** The shards' committed change seqs and the client's lastMutationId, in one snapshot. */
async function highWater(
  db: Queryable,
  clientId: string,
  shards: readonly number[],
): Promise<{ hw: Map<number, number>; lmid: number }> {
  const r = await db.query<{ shards: number[]; seqs: string[]; lmid: string | null }>(
    `SELECT array(SELECT shard FROM shard_heads WHERE shard = ANY($2::smallint[]) ORDER BY shard)
              AS shards,
            array(SELECT change_seq::text FROM shard_heads WHERE shard = ANY($2::smallint[])
                  ORDER BY shard) AS seqs,
            (SELECT last_mutation_id::text FROM sync_clients WHERE client_id = $1) AS lmid`,
    [clientId, shards],
  );
  const row = r.rows[0]!;
  const hw = new Map<number, number>();
  row.shards.forEach((p, i) => hw.set(Number(p), Number(row.seqs[i])));
  return { hw, lmid: Number(row.lmid ?? 0) };
}

/** A shard vector as two SQL array parameters (shards, seqs). */
function vectorParams(v: ShardVector): [number[], number[]] {
  const entries = [...v].sort(([a], [b]) => a - b);
  return [entries.map(([p]) => p), entries.map(([, q]) => q)];
}

/** A page's JSON text, in ASCII (asciiJson.ts: what a desk decodes fastest). */
function body(cookie: SyncCookie, lmid: number, changes: string[], more: boolean): string {
  return asciiJson(
    `{"cookie":${JSON.stringify(encodeCookie(cookie))},"lastMutationId":${lmid},"more":${more},"changes":[${changes.join(',')}]}`,
  );
}

/**
 * Every page query asks for `limit + 1` rows: the extra one only says there is more. Returns
 * the page, and the row the next page starts after (undefined on the last page).
 */
function cut<T>(fetched: T[], limit: number): { rows: T[]; resumeAfter: T | undefined } {
  const rows = fetched.slice(0, limit);
  return { rows, resumeAfter: fetched.length > limit ? rows[rows.length - 1] : undefined };
}

/** Journal rows as the protocol's `ledger_txn` change, rendered by PostgreSQL. */
const TXN_JSON = `json_build_object('kind', 'ledger_txn', 'txn', json_build_object(
  'shard', t.shard, 'seq', t.seq, 'txnId', t.txn_id, 'commandId', t.command_id, 'kind', t.kind, 'at', t.at, 'currency', t.currency,
  'orderId', t.order_id, 'prevHash', t.prev_hash, 'hash', t.hash,
  'legs', (SELECT json_agg(json_build_object('account', e.account, 'amountFen', e.amount_fen)
                           ORDER BY e.leg_no)
           FROM ledger_entries e WHERE e.shard = t.shard AND e.txn_id = t.txn_id)))::text`;

async function snapshotPage(
  db: Queryable,
  scope: SyncScope,
  clientId: string,
  c: Extract<SyncCookie, { kind: 'snapshot' }>,
  limit: number,
): Promise<string> {
  const next = (phase: 'o' | 't' | 'r', key: string): SyncCookie => ({ ...c, phase, key });
  if (c.phase === 'o') {
    const r =
      scope.kind === 'merchant'
        ? await db.query<{ order_id: string; j: string }>(
            `SELECT o.order_id, o.state::text AS j FROM orders o
             WHERE o.merchant_id = $1 AND o.order_id > $2 ORDER BY o.order_id LIMIT $3`,
            [scope.merchantId, c.key, limit + 1],
          )
        : await db.query<{ order_id: string; j: string }>(
            // Orders that entered the scope by the snapshot's marks; later ones come with the log.
            `SELECT o.order_id, o.state::text AS j FROM orders o
             WHERE ${agentOrderPredicate('$3', '$4')} AND o.order_id > $1
             ORDER BY o.order_id LIMIT $2`,
            [c.key, limit + 1, ...vectorParams(c.hw)],
          );
    const { rows, resumeAfter } = cut(r.rows, limit);
    // The page's orders bring their journal rows along, found by order through an index: paging
    // the whole journal by seq and filtering by merchant read every order row on every page.
    const txns = await db.query<{ j: string }>(
      `SELECT ${TXN_JSON} AS j FROM ledger_transactions t
       WHERE t.order_id = ANY($1::text[]) ORDER BY t.shard, t.seq`,
      [rows.map((row) => row.order_id)],
    );
    // And their timelines. The actor's role comes from the user row; the bank (`bank:<name>`)
    // and the timers (`system:timers`) act without one, named by their id's prefix.
    const entry = orderEventEntrySql({
      orderId: 'e.order_id',
      version: 'e.version',
      commandId: 'e.command_id',
      event: 'e.event',
      role: `coalesce(u.role, CASE WHEN c.actor_user_id LIKE 'bank:%' THEN 'bank' ELSE 'system' END)`,
      userId: `coalesce(c.actor_user_id, 'system')`,
    });
    const events = await db.query<{ j: string }>(
      `SELECT json_build_object('kind', 'order_event', 'entry', ${entry})::text AS j
         FROM order_events e
         LEFT JOIN commands c ON c.command_id = e.command_id
         LEFT JOIN users u ON u.user_id = c.actor_user_id
        WHERE e.order_id = ANY($1::text[]) ORDER BY e.order_id, e.version`,
      [rows.map((row) => row.order_id)],
    );
    // Sellers never receive the platform's internal approval data (sellerView.ts).
    const seller = scope.kind === 'merchant';
    const mask = seller && scope.maskRecipients;
    const changes = rows.map(
      (row) => `{"kind":"order","order":${seller ? redactOrderJsonForSeller(row.j, mask) : row.j}}`,
    );
    for (const t of txns.rows) changes.push(t.j);
    for (const e of events.rows)
      changes.push(seller ? redactEventChangeJsonForSeller(e.j, mask) : e.j);
    const cookie = resumeAfter ? next('o', resumeAfter.order_id) : next('t', '0');
    return body(cookie, c.lmid, changes, true);
  }
  if (c.phase === 't') {
    // Journal rows of no order that touch the merchant's own accounts (security deposits,
    // withdrawals), all in the merchant's shard.
    const after = Number(c.key || '0');
    const r =
      scope.kind === 'merchant'
        ? await db.query<{ seq: number; j: string }>(
            `SELECT t.seq, ${TXN_JSON} AS j FROM ledger_transactions t
             WHERE t.shard = $4 AND t.seq > $2 AND t.order_id IS NULL AND t.txn_id IN (
               SELECT e.txn_id FROM ledger_entries e
                WHERE e.shard = $4 AND e.account = ANY($1::text[]))
             ORDER BY t.seq LIMIT $3`,
            [merchantAccounts(scope.merchantId), after, limit + 1, shardOf(scope.merchantId)],
          )
        : { rows: [] };
    const { rows, resumeAfter } = cut(r.rows, limit);
    const cookie = resumeAfter ? next('t', String(resumeAfter.seq)) : next('r', '0');
    return body(
      cookie,
      c.lmid,
      rows.map((row) => row.j),
      true,
    );
  }
  // Rejections made before the snapshot: the desk may still hold those mutations. They are
  // logged in the client's home shard.
  const home = clientHomeShard(scope, clientId);
  const r = await db.query<{ seq: number; j: string }>(
    `SELECT seq, payload::text AS j FROM changes
     WHERE shard = $5 AND kind = 'rejection' AND key = $1 AND seq > $2 AND seq <= $3
     ORDER BY seq LIMIT $4`,
    [clientId, Number(c.key || '0'), c.hw.get(home) ?? 0, limit + 1, home],
  );
  const { rows, resumeAfter } = cut(r.rows, limit);
  if (resumeAfter) {
    return body(
      next('r', String(resumeAfter.seq)),
      c.lmid,
      rows.map((row) => row.j),
      true,
    );
  }
  // The snapshot is complete; the log from hw on follows. `more` stays true so the desk pulls
  // the log once and takes lastMutationId from a page that is consistent with it.
  return body(
    { kind: 'log', cursors: c.hw },
    c.lmid,
    rows.map((row) => row.j),
    true,
  );
}

async function logPage(
  db: Database,
  scope: SyncScope,
  clientId: string,
  after: ShardVector,
  limit: number,
): Promise<string> {
  const mark = await highWater(db, clientId, scopeShards(scope));
  for (const [p, seq] of after)
    if (seq > (mark.hw.get(p) ?? 0))
      throw new DeskError('invalid_input', 'sync cookie is ahead of the server');
  const cursors = new Map(after);
  const changes: string[] = [];
  let more = false;
  // Shard by shard, in shard order, each from its cursor up to its mark; a page that fills
  // stops inside one shard and the next starts there. Shards with nothing new cost nothing.
  for (const [p, hw] of [...mark.hw].sort(([a], [b]) => a - b)) {
    const from = after.get(p) ?? 0;
    if (from >= hw) continue;
    const room = limit - changes.length;
    if (room <= 0) {
      more = true;
      break;
    }
    const page =
      scope.kind === 'agent'
        ? await agentShardPage(db, clientId, p, from, hw, room)
        : await merchantShardPage(db, scope, clientId, p, from, hw, room);
    changes.push(...page.changes);
    cursors.set(p, page.seq);
    if (page.more) {
      more = true;
      break;
    }
  }
  return body({ kind: 'log', cursors }, mark.lmid, changes, more);
}

interface ShardPage {
  changes: string[];
  /** The shard's cursor after this page. */
  seq: number;
  more: boolean;
}

async function merchantShardPage(
  db: Queryable,
  scope: Extract<SyncScope, { kind: 'merchant' }>,
  clientId: string,
  shard: number,
  after: number,
  hw: number,
  limit: number,
): Promise<ShardPage> {
  const r = await db.query<LogRow>(
    `SELECT seq, kind, payload::text AS j FROM changes
     WHERE shard = $6 AND seq > $1 AND seq <= $2
       AND ((merchant_id = $3 AND kind IN ('order', 'ledger_txn', 'order_event'))
            OR (kind = 'rejection' AND key = $4))
     ORDER BY seq LIMIT $5`,
    [after, hw, scope.merchantId, clientId, limit + 1, shard],
  );
  const { rows, resumeAfter } = cut(r.rows, limit);
  return {
    changes: rows.map((row) => changeJson(row, { maskRecipients: scope.maskRecipients })),
    seq: resumeAfter?.seq ?? hw,
    more: resumeAfter !== undefined,
  };
}

type LogRow = { seq: number; kind: string; j: string };

/**
 * A change row as the protocol's change; `seller` redacts internal approval data (and masks
 * recipients for seller staff).
 */
function changeJson(row: LogRow, seller?: { maskRecipients: boolean }): string {
  const mask = seller?.maskRecipients ?? false;
  return row.kind === 'order'
    ? `{"kind":"order","order":${seller ? redactOrderJsonForSeller(row.j, mask) : row.j}}`
    : row.kind === 'ledger_txn'
      ? `{"kind":"ledger_txn","txn":${row.j}}`
      : row.kind === 'order_event'
        ? `{"kind":"order_event","entry":${seller ? redactEventEntryJsonForSeller(row.j, mask) : row.j}}`
        : row.j;
}

/**
 * One shard of an agent's log page holds exactly what the agents' scope showed as of the
 * page's cursor: the changes of orders that had entered it by then, with the earlier rows of
 * those that entered within the page (back-fill). A change of an order that enters only after
 * the page's end waits for the page that carries its entry, so the replica never runs ahead of
 * the scope its cookie names and the scoped chain "as of" that cookie matches it. An order's
 * changes and its entry are all in its merchant's shard, so this holds shard by shard.
 */
async function agentShardPage(
  db: Queryable,
  clientId: string,
  shard: number,
  after: number,
  hw: number,
  limit: number,
): Promise<ShardPage> {
  const r = await db.query<LogRow & { entered: number | null }>(
    `SELECT c.seq, c.kind, c.payload::text AS j, ase.change_seq AS entered FROM changes c
       LEFT JOIN agent_scope_entries ase ON c.kind <> 'rejection' AND ase.shard = c.shard
        AND ase.order_id = CASE WHEN c.kind = 'ledger_txn' THEN c.payload->>'orderId' ELSE c.key END
     WHERE c.shard = $5 AND c.seq > $1 AND c.seq <= $2 AND (
       (c.kind = 'rejection' AND c.key = $3)
       OR (c.kind IN ('order', 'order_event', 'ledger_txn') AND ase.change_seq <= $2))
     ORDER BY c.seq LIMIT $4`,
    [after, hw, clientId, limit + 1, shard],
  );
  const { rows: page, resumeAfter } = cut(r.rows, limit);
  const seq = resumeAfter?.seq ?? hw;
  const rows = page.filter((row) => row.entered === null || row.entered <= seq);
  const backfill = await agentBackfill(db, shard, after, seq);
  return {
    changes: [...backfill, ...rows].map((row) => changeJson(row)),
    seq,
    more: resumeAfter !== undefined,
  };
}

/**
 * An order enters the agents' scope when a claim is filed or a refund escalated. Its state,
 * journal rows and timeline logged before the desk's cursor were never sent to this desk, so
 * the page that carries the entry brings them along (the desk stores each idempotently, and an
 * order's state only moves forward). The state matters even when the entry is a later change
 * of the same command: the command's `order` change may fall on an earlier page than its
 * `claim_filed`, and that page does not carry it (the order had not entered yet).
 */
async function agentBackfill(
  db: Queryable,
  shard: number,
  after: number,
  upTo: number,
): Promise<LogRow[]> {
  if (after === 0) return [];
  const entered = await db.query<{ order_id: string }>(
    `SELECT order_id FROM agent_scope_entries
      WHERE shard = $3 AND change_seq > $1 AND change_seq <= $2`,
    [after, upTo, shard],
  );
  if (entered.rows.length === 0) return [];
  const orderIds = entered.rows.map((row) => row.order_id);
  const r = await db.query<LogRow>(
    `SELECT seq, kind, payload::text AS j FROM changes
     WHERE shard = $3 AND seq <= $1
       AND ((kind = 'ledger_txn' AND payload->>'orderId' = ANY($2::text[]))
            OR (kind IN ('order', 'order_event') AND key = ANY($2::text[])))
     ORDER BY seq`,
    [after, orderIds, shard],
  );
  return r.rows;
}
