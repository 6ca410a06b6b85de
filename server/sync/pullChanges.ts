import { DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT } from '../../shared/sync/protocol.ts';
import type { PullRequest } from '../../shared/sync/protocol.ts';
import { DeskError } from '../../shared/errors.ts';
import type { Database, Queryable } from '../db/database.ts';
import {
  redactEventChangeJsonForSeller,
  redactEventEntryJsonForSeller,
  redactOrderJsonForSeller,
} from '../http/sellerView.ts';
import { decodeCookie, encodeCookie } from './syncCookie.ts';
import type { SyncCookie } from './syncCookie.ts';
import { agentOrderPredicate, merchantAccounts } from './syncScope.ts';
import type { SyncScope } from './syncScope.ts';

/**
 * `POST /v1/sync/pull` (docs/sync.md). Answers with the response body as JSON text: orders and
 * journal rows are spliced in as PostgreSQL rendered them, so a 100,000-order bootstrap is never
 * parsed and re-serialised on the server.
 *
 * The high water mark is read under `LOCK TABLE changes IN SHARE MODE`, which waits for every
 * transaction still inserting change rows and holds new ones back until it is read: every change
 * up to it is committed, so a cookie never skips a change that commits late with a lower seq.
 * The client's lastMutationId is read under the same lock, so on a final page it matches the
 * changes delivered: a mutation reported processed always has its effects (or its rejection)
 * in what the desk has received.
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
  if (cookie === null) {
    const mark = await highWater(db, req.clientId);
    cookie = { kind: 'snapshot', hw: mark.hw, lmid: mark.lmid, phase: 'o', key: '' };
  }
  if (cookie.kind === 'snapshot') return snapshotPage(db, scope, req.clientId, cookie, limit);
  return logPage(db, scope, req.clientId, cookie.seq, limit);
}

async function highWater(db: Database, clientId: string): Promise<{ hw: number; lmid: number }> {
  return db.transaction(async (tx) => {
    await tx.query('LOCK TABLE changes IN SHARE MODE');
    const hw = await tx.query<{ hw: number }>('SELECT coalesce(max(seq), 0) AS hw FROM changes');
    const c = await tx.query<{ last_mutation_id: number }>(
      'SELECT last_mutation_id FROM sync_clients WHERE client_id = $1',
      [clientId],
    );
    return { hw: hw.rows[0]?.hw ?? 0, lmid: c.rows[0]?.last_mutation_id ?? 0 };
  });
}

function body(cookie: SyncCookie, lmid: number, changes: string[], more: boolean): string {
  return `{"cookie":${JSON.stringify(encodeCookie(cookie))},"lastMutationId":${lmid},"more":${more},"changes":[${changes.join(',')}]}`;
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
  'seq', t.seq, 'txnId', t.txn_id, 'commandId', t.command_id, 'kind', t.kind, 'at', t.at, 'currency', t.currency,
  'orderId', t.order_id, 'prevHash', t.prev_hash, 'hash', t.hash,
  'legs', (SELECT json_agg(json_build_object('account', e.account, 'amountFen', e.amount_fen)
                           ORDER BY e.leg_no)
           FROM ledger_entries e WHERE e.txn_id = t.txn_id)))::text`;

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
            // Orders that entered the scope by the snapshot's mark; later ones come with the log.
            `SELECT o.order_id, o.state::text AS j FROM orders o
             WHERE ${agentOrderPredicate('$3')} AND o.order_id > $1 ORDER BY o.order_id LIMIT $2`,
            [c.key, limit + 1, c.hw],
          );
    const { rows, resumeAfter } = cut(r.rows, limit);
    // The page's orders bring their journal rows along, found by order through an index: paging
    // the whole journal by seq and filtering by merchant read every order row on every page.
    const txns = await db.query<{ j: string }>(
      `SELECT ${TXN_JSON} AS j FROM ledger_transactions t
       WHERE t.order_id = ANY($1::text[]) ORDER BY t.seq`,
      [rows.map((row) => row.order_id)],
    );
    // And their timelines. The actor's role comes from the user row; the bank (`bank:<name>`)
    // and the timers (`system:timers`) act without one, named by their id's prefix.
    const events = await db.query<{ j: string }>(
      `SELECT json_build_object('kind', 'order_event', 'entry', json_build_object(
                'orderId', e.order_id, 'version', e.version, 'type', e.event->>'type',
                'at', (e.event->>'at')::bigint, 'commandId', e.command_id,
                'actor', json_build_object('role', coalesce(u.role,
                  CASE WHEN c.actor_user_id LIKE 'bank:%' THEN 'bank' ELSE 'system' END),
                                           'userId', coalesce(c.actor_user_id, 'system')),
                'event', e.event))::text AS j
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
    // Journal rows of no order that touch the merchant's own accounts (security deposits).
    const after = Number(c.key || '0');
    const r =
      scope.kind === 'merchant'
        ? await db.query<{ seq: number; j: string }>(
            `SELECT t.seq, ${TXN_JSON} AS j FROM ledger_transactions t
             WHERE t.seq > $2 AND t.order_id IS NULL AND t.txn_id IN (
               SELECT e.txn_id FROM ledger_entries e WHERE e.account = ANY($1::text[]))
             ORDER BY t.seq LIMIT $3`,
            [merchantAccounts(scope.merchantId), after, limit + 1],
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
  // Rejections made before the snapshot: the desk may still hold those mutations.
  const r = await db.query<{ seq: number; j: string }>(
    `SELECT seq, payload::text AS j FROM changes
     WHERE kind = 'rejection' AND key = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
    [clientId, Number(c.key || '0'), c.hw, limit + 1],
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
    { kind: 'log', seq: c.hw },
    c.lmid,
    rows.map((row) => row.j),
    true,
  );
}

async function logPage(
  db: Database,
  scope: SyncScope,
  clientId: string,
  after: number,
  limit: number,
): Promise<string> {
  const mark = await highWater(db, clientId);
  if (after > mark.hw) throw new DeskError('invalid_input', 'sync cookie is ahead of the server');
  if (scope.kind === 'agent') return agentLogPage(db, clientId, after, mark, limit);
  const r = await db.query<LogRow>(
    `SELECT seq, kind, payload::text AS j FROM changes
     WHERE seq > $1 AND seq <= $2
       AND ((merchant_id = $3 AND kind IN ('order', 'ledger_txn', 'order_event'))
            OR (kind = 'rejection' AND key = $4))
     ORDER BY seq LIMIT $5`,
    [after, mark.hw, scope.merchantId, clientId, limit + 1],
  );
  const { rows, resumeAfter } = cut(r.rows, limit);
  const seq = resumeAfter?.seq ?? mark.hw;
  return body(
    { kind: 'log', seq },
    mark.lmid,
    rows.map((row) => changeJson(row, { maskRecipients: scope.maskRecipients })),
    resumeAfter !== undefined,
  );
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
 * An agent's log page holds exactly what the agents' scope showed as of the page's cookie: the
 * changes of orders that had entered it by then, with the earlier rows of those that entered
 * within the page (back-fill). A change of an order that enters only after the page's end waits
 * for the page that carries its entry, so the replica never runs ahead of the scope its cookie
 * names and the scoped chain "as of" that cookie matches it.
 */
async function agentLogPage(
  db: Queryable,
  clientId: string,
  after: number,
  mark: { hw: number; lmid: number },
  limit: number,
): Promise<string> {
  const r = await db.query<LogRow & { entered: number | null }>(
    `SELECT c.seq, c.kind, c.payload::text AS j, ase.change_seq AS entered FROM changes c
       LEFT JOIN agent_scope_entries ase ON c.kind <> 'rejection' AND ase.order_id =
         CASE WHEN c.kind = 'ledger_txn' THEN c.payload->>'orderId' ELSE c.key END
     WHERE c.seq > $1 AND c.seq <= $2 AND (
       (c.kind = 'rejection' AND c.key = $3)
       OR (c.kind IN ('order', 'order_event', 'ledger_txn') AND ase.change_seq <= $2))
     ORDER BY c.seq LIMIT $4`,
    [after, mark.hw, clientId, limit + 1],
  );
  const { rows: page, resumeAfter } = cut(r.rows, limit);
  const seq = resumeAfter?.seq ?? mark.hw;
  const rows = page.filter((row) => row.entered === null || row.entered <= seq);
  const backfill = await agentBackfill(db, after, seq);
  const changes = [...backfill, ...rows].map((row) => changeJson(row));
  return body({ kind: 'log', seq }, mark.lmid, changes, resumeAfter !== undefined);
}

/**
 * An order enters the agents' scope when a claim is filed or a refund escalated. Its state,
 * journal rows and timeline logged before the desk's cookie were never sent to this desk, so
 * the page that carries the entry brings them along (the desk stores each idempotently, and an
 * order's state only moves forward). The state matters even when the entry is a later change
 * of the same command: the command's `order` change may fall on an earlier page than its
 * `claim_filed`, and that page does not carry it (the order had not entered yet).
 */
async function agentBackfill(db: Queryable, after: number, upTo: number): Promise<LogRow[]> {
  if (after === 0) return [];
  const entered = await db.query<{ order_id: string }>(
    `SELECT order_id FROM agent_scope_entries WHERE change_seq > $1 AND change_seq <= $2`,
    [after, upTo],
  );
  if (entered.rows.length === 0) return [];
  const orderIds = entered.rows.map((row) => row.order_id);
  const r = await db.query<LogRow>(
    `SELECT seq, kind, payload::text AS j FROM changes
     WHERE seq <= $1 AND ((kind = 'ledger_txn' AND payload->>'orderId' = ANY($2::text[]))
                          OR (kind IN ('order', 'order_event') AND key = ANY($2::text[])))
     ORDER BY seq`,
    [after, orderIds],
  );
  return r.rows;
}
