import { createReplicaReads } from '../replica/replicaReads.ts';
import type { ReplicaReads } from '../replica/replicaReads.ts';
import { decide } from '../../../shared/escrow/decide.ts';
import type { EscrowPolicy } from '../../../shared/escrow/policy.ts';
import type { Actor, EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import { DeskError } from '../../../shared/errors.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { DEFAULT_PULL_LIMIT, MAX_PUSH_MUTATIONS } from '../../../shared/sync/protocol.ts';
import type { Db } from '../store/openDatabase.ts';
import { backoffDelayMs } from './backoff.ts';
import { createOutbox } from './outbox.ts';
import type { Outbox } from './outbox.ts';
import { createProvisionalOverlay } from './provisionalOverlay.ts';
import { createReplicaStore } from '../replica/replicaStore.ts';
import { verifyReplica } from '../replica/replicaVerification.ts';
import type { ReplicaVerification } from '../replica/replicaVerification.ts';
import { createSyncIssues } from './syncIssues.ts';
import type { SyncIssue } from './syncIssues.ts';
import { createSyncMeta } from './syncMeta.ts';
import { createPusher } from './syncPush.ts';
import { createPuller } from './syncPull.ts';
import { createPageScopeCheck } from './pageScope.ts';
import { createWalCheckpointer } from '../store/walCheckpointer.ts';
import { createPageDecoder } from './pageDecoder.ts';
import type { PageDecoder } from './pageDecoder.ts';
import type { DeskAlert } from './deskAlerts.ts';
import type { SyncParts } from './syncParts.ts';
import { createSyncStatusHub } from './syncStatus.ts';
import type { SyncStatus, SyncStatusListener } from './syncStatus.ts';
import { ServerCallError } from '../../net/serverClient.ts';
import type { SyncTransport } from './syncTransport.ts';

/**
 * The desk's sync client (docs/sync.md): outbox, push, pull, rebase, issues, status.
 *
 * Every step that changes local state is one SQLite transaction that also records how far it
 * got (cookie, pushed/confirmed mutation ids), so the process may die between any two steps:
 * on restart it re-sends what the server may not have seen (the server answers repeats from its
 * stored results) and re-pulls from the last stored cookie.
 */
export interface SyncClientOptions {
  db: Db;
  transport: SyncTransport;
  /** The signed-in user, for local replays only; the server takes the actor from the token. */
  actor: Actor;
  policy?: EscrowPolicy;
  pushBatchSize?: number;
  pullLimit?: number;
  /** Failed pushes of one mutation (while the server answers) before it is given up. */
  stuckAfterAttempts?: number;
  /** Page size while bootstrapping; each page is stored in one transaction. */
  bootstrapPageLimit?: number;
  pollIntervalMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  now?: () => number;
  /** better-sqlite3's nativeBinding, for the verify's own read-only connections (Electron). */
  nativeBinding?: string;
  /**
   * Decodes pulled pages (pageDecoder.ts): one the caller keeps for many clients (the core
   * worker's, for each user in turn), or by default one of this client's own, ended on stop.
   */
  pageDecoder?: PageDecoder;
  /**
   * Actions of this user queued on the desk outside the sync outbox (a seller admin's
   * withdrawals: withdrawalOutbox.ts), sent at the end of each round that reached the server.
   * They count among the pending actions, so the badge and sign-out name them too.
   */
  sendQueued?: () => Promise<unknown>;
}

export interface SyncClient extends ReplicaReads {
  readonly clientId: string;
  /** Writes the mutation to the outbox, then applies it provisionally; one transaction. */
  enqueue(
    command: EscrowCommand,
    opts?: { commandId?: string },
  ): { mutationId: number; commandId: string; order: OrderState };
  /** One full round: push everything pending, then pull until caught up. */
  syncOnce(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  /** The shell calls this when the OS reports the network is back: retry now. */
  notifyOnline(): void;
  /**
   * The server poked this desk (its scope changed): sync now, and again after the round in
   * flight if there is one, since that round's pull may have started before the change.
   */
  poke(): void;
  status(): SyncStatus;
  subscribe(listener: SyncStatusListener): () => void;
  onOrdersChanged(listener: (orderIds: string[]) => void): () => void;
  /** New payments and refund requests the server reported (never those of the first pull). */
  onAlerts(listener: (alerts: DeskAlert[]) => void): () => void;
  issues(opts?: { includeAcknowledged?: boolean }): SyncIssue[];
  acknowledgeIssue(mutationId: number): boolean;
  /** Sends the refused action again as a new mutation (new id and command id). */
  retryIssue(mutationId: number): { mutationId: number; commandId: string };
  /** Actions not yet confirmed by the server: mutations and queued withdrawals. */
  pendingCount(): number;
  /** Tells subscribers the pending and issue counts again (a withdrawal was queued). */
  refreshCounts(): void;
  /** Local rehash and invariants, then the scoped chain against the server's (if online). */
  verifyReplica(): Promise<ReplicaVerification>;
}

export function createSyncClient(opts: SyncClientOptions): SyncClient {
  const { db, transport } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const pushBatch = Math.min(MAX_PUSH_MUTATIONS, opts.pushBatchSize ?? MAX_PUSH_MUTATIONS);
  const pullLimit = opts.pullLimit ?? DEFAULT_PULL_LIMIT;
  const bootstrapLimit = opts.bootstrapPageLimit ?? 5000;
  const pollIntervalMs = opts.pollIntervalMs ?? 10_000;
  const backoff = {
    baseMs: opts.backoffBaseMs ?? 250,
    capMs: opts.backoffCapMs ?? 30_000,
    random,
  };

  const meta = createSyncMeta(db);
  const clientId = db.transaction(() => meta.clientId()).immediate();
  const outbox: Outbox = createOutbox(db, meta);
  const replica = createReplicaStore(db);
  const overlay = createProvisionalOverlay(db, replica, outbox, () => opts.actor, opts.policy);
  const reads = createReplicaReads(db, replica);
  const issues = createSyncIssues(db, (orderId) => replica.confirmedOrder(orderId));
  const orderListeners = new Set<(ids: string[]) => void>();
  const alertListeners = new Set<(alerts: DeskAlert[]) => void>();

  const pendingStmt = db.prepare<[], { n: number }>(
    `SELECT (SELECT count(*) FROM sync_outbox
              WHERE server_status IS NULL OR server_status = 'applied')
          + (SELECT count(*) FROM withdrawal_outbox WHERE state = 'queued') AS n`,
  );
  const pendingCount = (): number => pendingStmt.get()?.n ?? 0;

  const lastSynced = meta.get('lastSyncedAt');
  const hub = createSyncStatusHub({
    state: 'idle',
    online: false,
    pendingMutations: pendingCount(),
    openIssues: issues.openCount(),
    lastSyncedAt: lastSynced ? Number(lastSynced) : null,
    message: null,
    bootstrap: null,
  });
  const refreshCounts = (): void =>
    hub.update({ pendingMutations: pendingCount(), openIssues: issues.openCount() });

  function emitOrders(ids: Iterable<string>): void {
    const list = [...new Set(ids)];
    if (list.length === 0 || orderListeners.size === 0) return;
    for (let i = 0; i < list.length; i += 1000) {
      const chunk = list.slice(i, i + 1000);
      for (const l of orderListeners) {
        try {
          l(chunk);
        } catch {
          // A broken subscriber must not break sync.
        }
      }
    }
  }

  function emitAlerts(alerts: DeskAlert[]): void {
    for (const l of alertListeners) {
      try {
        l(alerts);
      } catch {
        // A listener's failure must not undo a pull that has already committed.
      }
    }
  }

  function recordRejection(
    mutationId: number,
    commandId: string,
    command: EscrowCommand,
    error: { code: string; message: string },
  ): void {
    const row = outbox.get(mutationId);
    issues.record({
      mutationId,
      commandId,
      command,
      error: error as SyncIssue['error'],
      baseState: row?.baseState ?? null,
      currentState: replica.confirmedOrder(command.orderId),
      nowMs: now(),
    });
    if (row) outbox.markServerResult(mutationId, 'rejected', error as SyncIssue['error']);
  }

  const parts: SyncParts = {
    db,
    transport,
    clientId,
    meta,
    outbox,
    replica,
    overlay,
    issues,
    hub,
    now,
    emitOrders,
    emitAlerts,
    refreshCounts,
    recordRejection,
  };
  const pushAll = createPusher(parts, {
    batchSize: pushBatch,
    stuckAfterAttempts: opts.stuckAfterAttempts ?? 8,
  });
  const checkpointer = createWalCheckpointer(db, {
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  });
  const decoder = opts.pageDecoder ?? createPageDecoder();
  const pullAll = createPuller(parts, {
    pullLimit,
    bootstrapLimit,
    checkpointer,
    decoder,
    checkScope: createPageScopeCheck(db, opts.actor),
  });

  // ---- rounds and the background loop ----------------------------------------------------

  let inFlight: Promise<void> | null = null;
  /** A poke arrived since the current round began: the loop runs another one at once. */
  let poked = false;

  /** Verifies reading the replica in other threads: no round writes it until they are done. */
  const verifying = new Set<Promise<unknown>>();

  async function round(): Promise<void> {
    while (verifying.size) await Promise.allSettled(verifying);
    poked = false;
    hub.update({ state: 'syncing' });
    try {
      await pushAll();
      await pullAll();
      await opts.sendQueued?.();
      // Pushing may have raced with new local actions; they go in the next round.
      const at = now();
      db.transaction(() => meta.set('lastSyncedAt', String(at))).immediate();
      hub.update({ state: 'idle', online: true, lastSyncedAt: at, message: null });
    } catch (err) {
      if (err instanceof ServerCallError) {
        hub.update({
          state: err.network ? 'offline' : 'error',
          online: !err.network,
          message: err.message,
        });
      } else {
        hub.update({ state: 'error', message: (err as Error).message });
      }
      throw err;
    } finally {
      refreshCounts();
    }
  }

  /** The round queued behind the one in flight, shared by every caller who asked meanwhile. */
  let queued: Promise<void> | null = null;

  /**
   * A full round that starts after this call. One round at a time: two concurrent pushes would
   * race on pushedMutationId. A round already running (a poke's, the poll's) may have pushed
   * and pulled before what the caller wants synced, so the caller gets the next one, run as
   * soon as that one ends.
   */
  function syncOnce(): Promise<void> {
    if (!inFlight) {
      inFlight = round().finally(() => (inFlight = null));
      return inFlight;
    }
    queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return syncOnce();
      });
    return queued;
  }

  let running = false;
  let loopDone: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let attempt = 0;

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        await syncOnce();
        attempt = 0;
        if (!running) break;
        // A poke during the round: its change may have missed that round's pull.
        if (poked) continue;
        // New local actions wake the loop early; otherwise poll for server changes.
        if (
          pendingCount() === 0 ||
          outbox.unpushed(meta.getNumber('pushedMutationId'), 1).length === 0
        )
          await sleep(pollIntervalMs);
      } catch (err) {
        if (!running) break;
        const transient = !(err instanceof ServerCallError) || err.transient;
        attempt++;
        await sleep(transient ? backoffDelayMs(attempt, backoff) : backoff.capMs);
      }
    }
  }

  function kick(): void {
    wake?.();
  }

  return {
    clientId,
    enqueue(command, o = {}) {
      const commandId = o.commandId ?? uuidv7();
      const at = now();
      const mutationId = db
        .transaction(() => {
          const shown = overlay.displayedOrder(command.orderId);
          // Checked against what the user sees; a refusal here writes nothing.
          const d = decide(shown, command, { now: at, actor: opts.actor }, opts.policy);
          if (!d.ok) throw new DeskError(d.error.code, d.error.message);
          const confirmed = replica.confirmedOrder(command.orderId);
          const id = outbox.append({
            commandId,
            command,
            clientTime: at,
            baseState: shown,
            baseVersion: confirmed?.version ?? null,
          });
          overlay.rebuild([command.orderId], at);
          return id;
        })
        .immediate();
      refreshCounts();
      emitOrders([command.orderId]);
      kick();
      const order = overlay.displayedOrder(command.orderId);
      if (!order) throw new DeskError('internal', 'applied mutation left no order');
      return { mutationId, commandId, order };
    },
    syncOnce,
    start() {
      if (running) return;
      running = true;
      loopDone = loop();
    },
    async stop() {
      running = false;
      kick();
      await loopDone;
      await inFlight?.catch(() => undefined);
      loopDone = null;
      await checkpointer.stop();
      if (!opts.pageDecoder) await decoder.close();
    },
    notifyOnline() {
      attempt = 0;
      kick();
    },
    poke() {
      poked = true;
      kick();
    },
    status: () => hub.get(),
    subscribe: (l) => hub.subscribe(l),
    onOrdersChanged(l) {
      orderListeners.add(l);
      return () => orderListeners.delete(l);
    },
    onAlerts(l) {
      alertListeners.add(l);
      return () => alertListeners.delete(l);
    },
    ...reads,
    issues: (o) => issues.list(o),
    acknowledgeIssue(mutationId) {
      const done = db.transaction(() => issues.acknowledge(mutationId, now())).immediate();
      refreshCounts();
      return done;
    },
    retryIssue(mutationId) {
      const issue = issues.get(mutationId);
      if (!issue) throw new DeskError('not_found', `no sync issue for mutation ${mutationId}`);
      if (issue.retriedAs !== null)
        throw new DeskError('invalid_state', 'this issue was already retried');
      const r = this.enqueue(issue.command);
      db.transaction(() => issues.markRetried(mutationId, r.mutationId, now())).immediate();
      refreshCounts();
      return { mutationId: r.mutationId, commandId: r.commandId };
    },
    pendingCount,
    refreshCounts,
    async verifyReplica() {
      // The round in flight finishes first; rounds after this starts wait for it (round()).
      while (inFlight) await inFlight.catch(() => undefined);
      const run = verifyReplica(db, transport, opts.actor.merchantId ?? null, {
        ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
      });
      verifying.add(run);
      try {
        return await run;
      } finally {
        verifying.delete(run);
      }
    },
  };
}
