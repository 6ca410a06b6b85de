import type { EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { Mutation } from '../../../shared/sync/protocol.ts';
import type { Db } from '../store/openDatabase.ts';
import type { SyncMeta } from './syncMeta.ts';
import { ServerCallError } from '../../net/serverClient.ts';

/**
 * The persistent outbox. A row is written (its mutation id allocated) in the same SQLite
 * transaction as the optimistic apply, before it; it leaves only when a pull confirms the server
 * processed it (`id <= lastMutationId`), so a crash at any point loses nothing.
 */
export interface OutboxRow {
  mutationId: number;
  commandId: string;
  orderId: string;
  command: EscrowCommand;
  clientTime: number;
  baseVersion: number | null;
  baseState: OrderState | null;
  serverStatus: 'applied' | 'rejected' | null;
  error: ErrorInfo | null;
  localErrorCode: string | null;
}

export interface Outbox {
  /** Allocates the next mutation id and writes the row. Call inside a transaction. */
  append(input: {
    commandId: string;
    command: EscrowCommand;
    clientTime: number;
    baseState: OrderState | null;
    baseVersion: number | null;
  }): number;
  /** Mutations the server has not processed yet, oldest first. */
  unpushed(afterId: number, limit: number): Mutation[];
  markServerResult(mutationId: number, status: 'applied' | 'rejected', error?: ErrorInfo): void;
  /** Deletes the rows the server confirmed, through `mutationId`, and returns their orders. */
  dropThrough(mutationId: number): string[];
  /** The rows through `mutationId` the server refused (their refusal already stored here). */
  rejectedThrough(mutationId: number): OutboxRow[];
  pendingForOrder(orderId: string): OutboxRow[];
  /** What a replay needs of an order's queued mutations (no base state), oldest first. */
  replayForOrder(orderId: string): ReplayRow[];
  /**
   * The same for many orders in one read (a rebase of a pull page): only those orders' rows,
   * by the outbox's order index, not the whole outbox once a page.
   */
  replayByOrder(orderIds: readonly string[]): Map<string, ReplayRow[]>;
  get(mutationId: number): OutboxRow | null;
  setLocalError(mutationId: number, code: string | null): void;
  count(): number;
  /**
   * Throws unless `lastMutationId`, what the server reports as processed, is at most the
   * highest id this desk ever gave out. More means the server answers from another numbering
   * (another desk, or another copy of this one): taken as is, queued actions would count as
   * sent and be dropped unsent. Nothing is stored of an answer that fails this.
   */
  assertMadeHere(lastMutationId: number): void;
  all(): OutboxRow[];
}

export type ReplayRow = Pick<
  OutboxRow,
  'mutationId' | 'commandId' | 'command' | 'serverStatus' | 'localErrorCode'
>;

interface Row {
  mutation_id: number;
  command_id: string;
  order_id: string;
  command_json: string;
  client_time: number;
  base_version: number | null;
  base_state_json: string | null;
  server_status: 'applied' | 'rejected' | null;
  error_code: string | null;
  error_message: string | null;
  local_error_code: string | null;
}

function toRow(r: Row): OutboxRow {
  return {
    mutationId: r.mutation_id,
    commandId: r.command_id,
    orderId: r.order_id,
    command: JSON.parse(r.command_json) as EscrowCommand,
    clientTime: r.client_time,
    baseVersion: r.base_version,
    baseState: r.base_state_json ? (JSON.parse(r.base_state_json) as OrderState) : null,
    serverStatus: r.server_status,
    error: r.error_code
      ? ({ code: r.error_code, message: r.error_message ?? '' } as ErrorInfo)
      : null,
    localErrorCode: r.local_error_code,
  };
}

/** A replay row as the replay statements read it (raw mode: a rebase reads thousands). */
type ReplayTuple = [
  orderId: string,
  mutationId: number,
  commandId: string,
  commandJson: string,
  serverStatus: ReplayRow['serverStatus'],
  localErrorCode: string | null,
];
const REPLAY_COLUMNS =
  'order_id, mutation_id, command_id, command_json, server_status, local_error_code';

function toReplayRow(r: ReplayTuple): ReplayRow {
  return {
    mutationId: r[1],
    commandId: r[2],
    command: JSON.parse(r[3]) as EscrowCommand,
    serverStatus: r[4],
    localErrorCode: r[5],
  };
}

/**
 * How many outbox rows a rebase scans rather than look up, per order it asks for: a scanned
 * row costs about half a looked-up one, and the outbox's id span bounds its rows from above.
 */
const SCAN_PER_ASKED = 2;

export function createOutbox(db: Db, meta: SyncMeta): Outbox {
  const insert = db.prepare(
    `INSERT INTO sync_outbox (mutation_id, command_id, order_id, command_json, client_time,
       base_version, base_state_json) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const maxId = db.prepare<[], { m: number | null }>(
    'SELECT max(mutation_id) AS m FROM sync_outbox',
  );
  // What a push sends: not the state each action was taken on, the row's largest column.
  const unpushed = db.prepare<
    [number, number],
    Pick<Row, 'mutation_id' | 'command_id' | 'command_json' | 'client_time'>
  >(
    `SELECT mutation_id, command_id, command_json, client_time FROM sync_outbox
      WHERE mutation_id > ? ORDER BY mutation_id LIMIT ?`,
  );
  const mark = db.prepare(
    `UPDATE sync_outbox SET server_status = ?, error_code = ?, error_message = ?
     WHERE mutation_id = ?`,
  );
  // A confirming pull drops thousands of rows at once (the answers to a large push): only
  // their orders are read, not each action's command and the state it was taken on.
  const ordersThrough = db
    .prepare<[number], string>('SELECT order_id FROM sync_outbox WHERE mutation_id <= ?')
    .pluck();
  const rejectedThrough = db.prepare<[number], Row>(
    `SELECT * FROM sync_outbox WHERE mutation_id <= ? AND server_status = 'rejected'
      ORDER BY mutation_id`,
  );
  const deleteThrough = db.prepare('DELETE FROM sync_outbox WHERE mutation_id <= ?');
  const forOrder = db.prepare<[string], Row>(
    'SELECT * FROM sync_outbox WHERE order_id = ? ORDER BY mutation_id',
  );
  const replayRows = db
    .prepare<[string], ReplayTuple>(
      `SELECT ${REPLAY_COLUMNS} FROM sync_outbox WHERE order_id = ? ORDER BY mutation_id`,
    )
    .raw();
  const replayOfOrders = db
    .prepare<[string], ReplayTuple>(
      `SELECT ${REPLAY_COLUMNS} FROM sync_outbox
        WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY mutation_id`,
    )
    .raw();
  // In mutation id order without a sort: it is the table's rowid.
  const replayOfAll = db
    .prepare<[], ReplayTuple>(`SELECT ${REPLAY_COLUMNS} FROM sync_outbox ORDER BY mutation_id`)
    .raw();
  /** The outbox's first and last ids: at least as far apart as it has rows, less one. */
  const idSpan = db.prepare<[], { lo: number | null; hi: number | null }>(
    'SELECT min(mutation_id) AS lo, max(mutation_id) AS hi FROM sync_outbox',
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM sync_outbox WHERE mutation_id = ?');
  const localError = db.prepare(
    'UPDATE sync_outbox SET local_error_code = ? WHERE mutation_id = ?',
  );
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sync_outbox');
  const all = db.prepare<[], Row>('SELECT * FROM sync_outbox ORDER BY mutation_id');

  return {
    append(input) {
      const id =
        Math.max(
          meta.getNumber('lastAllocatedMutationId'),
          meta.getNumber('confirmedMutationId'),
          maxId.get()?.m ?? 0,
        ) + 1;
      meta.set('lastAllocatedMutationId', String(id));
      insert.run(
        id,
        input.commandId,
        input.command.orderId,
        JSON.stringify(input.command),
        input.clientTime,
        input.baseVersion,
        input.baseState ? JSON.stringify(input.baseState) : null,
      );
      return id;
    },
    unpushed(afterId, limit) {
      return unpushed.all(afterId, limit).map((r) => ({
        id: r.mutation_id,
        commandId: r.command_id,
        command: JSON.parse(r.command_json) as EscrowCommand,
        clientTime: r.client_time,
      }));
    },
    markServerResult(mutationId, status, error) {
      mark.run(status, error?.code ?? null, error?.message ?? null, mutationId);
    },
    assertMadeHere(lastMutationId) {
      const highest = Math.max(
        meta.getNumber('lastAllocatedMutationId'),
        meta.getNumber('confirmedMutationId'),
        meta.getNumber('pushedMutationId'),
        maxId.get()?.m ?? 0,
      );
      if (lastMutationId > highest)
        throw new ServerCallError(
          'the server counts mutations this desk never made: actions stay queued',
          { transient: false, network: false, status: 200, code: 'internal' },
        );
    },
    dropThrough(mutationId) {
      const orderIds = ordersThrough.all(mutationId);
      if (orderIds.length > 0) deleteThrough.run(mutationId);
      return orderIds;
    },
    rejectedThrough(mutationId) {
      return rejectedThrough.all(mutationId).map(toRow);
    },
    pendingForOrder(orderId) {
      return forOrder.all(orderId).map(toRow);
    },
    replayForOrder(orderId) {
      return replayRows.all(orderId).map(toReplayRow);
    },
    replayByOrder(orderIds) {
      const byOrder = new Map<string, ReplayRow[]>();
      const span = idSpan.get();
      if (!span || span.lo === null || span.hi === null) return byOrder;
      // Asked for about as many orders as the outbox has rows, or more (a pull page's rebase
      // while few actions wait; many actions and a pull touching them all): the whole outbox
      // is scanned and filtered here, which costs a row about half of what looking up each
      // asked order by index does (10,000 queued ships: 21-27 ms against 41-52 ms).
      const scan = orderIds.length * SCAN_PER_ASKED >= span.hi - span.lo + 1;
      const wanted = scan ? new Set(orderIds) : null;
      const rows = scan ? replayOfAll.all() : replayOfOrders.all(JSON.stringify(orderIds));
      for (const r of rows) {
        const orderId = r[0];
        if (wanted && !wanted.has(orderId)) continue;
        const queued = byOrder.get(orderId);
        if (queued) queued.push(toReplayRow(r));
        else byOrder.set(orderId, [toReplayRow(r)]);
      }
      return byOrder;
    },
    get(mutationId) {
      const r = byId.get(mutationId);
      return r ? toRow(r) : null;
    },
    setLocalError(mutationId, code) {
      localError.run(code, mutationId);
    },
    count() {
      return count.get()?.n ?? 0;
    },
    all() {
      return all.all().map(toRow);
    },
  };
}
