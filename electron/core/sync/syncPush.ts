import type { Mutation, PushResponse } from '../../../shared/sync/protocol.ts';
import { ServerCallError } from '../../net/serverClient.ts';
import { createStuckTracker } from './stuckMutations.ts';
import type { SyncParts } from './syncParts.ts';

/**
 * Push (docs/sync.md): every unpushed mutation in id order, in batches; each answer stored in
 * one transaction with how far it got, so a desk killed mid-push re-sends what the server may
 * not have seen and gets the stored answers back.
 */
export function createPusher(
  parts: SyncParts,
  opts: { batchSize: number; stuckAfterAttempts: number },
): () => Promise<void> {
  const { db, transport, clientId, meta, outbox, overlay, now } = parts;
  const pushBatch = opts.batchSize;

  const stuck = createStuckTracker(opts.stuckAfterAttempts);

  /** One push; a mutation that keeps failing while the server answers is given up (stuckMutations.ts). */
  async function pushOrGiveUp(batch: Mutation[]): Promise<PushResponse> {
    try {
      const res = await transport.push({ clientId, mutations: batch });
      stuck.succeeded();
      return res;
    } catch (err) {
      if (!(err instanceof ServerCallError) || !err.transient || err.network) throw err;
      const giveUp = stuck.failed(batch.map((m) => m.id));
      if (giveUp === null) throw err;
      // An outage is not one action's fault: give up only while the server answers reads.
      try {
        await transport.chain({ upTo: '', cookie: null });
      } catch {
        throw err;
      }
      const res = await transport.push({
        clientId,
        mutations: batch.map((m) => ({ ...m, abandon: true as const })),
      });
      stuck.succeeded();
      return res;
    }
  }

  async function pushAll(): Promise<void> {
    let stalls = 0;
    for (;;) {
      const after = Math.max(
        meta.getNumber('pushedMutationId'),
        meta.getNumber('confirmedMutationId'),
      );
      const batch = outbox.unpushed(after, stuck.batchSize(pushBatch));
      if (batch.length === 0) return;
      const res = await pushOrGiveUp(batch);
      const touched = new Set<string>();
      db.transaction(() => {
        for (const r of res.results) {
          if (r.status === 'skipped') continue;
          // Most answers are `applied`: marked without reading the row (a row already gone
          // is simply not updated).
          if (r.status === 'applied') {
            outbox.markServerResult(r.id, 'applied');
            continue;
          }
          const row = outbox.get(r.id);
          if (!row) continue;
          parts.recordRejection(
            r.id,
            row.commandId,
            row.command,
            r.error ?? { code: 'internal', message: 'rejected without a reason' },
          );
          touched.add(row.orderId);
        }
        outbox.assertMadeHere(res.lastMutationId);
        if (res.lastMutationId < meta.getNumber('confirmedMutationId')) {
          throw new ServerCallError(
            'the server reports fewer processed mutations than it confirmed before',
            { transient: false, network: false, status: 200, code: 'internal' },
          );
        }
        meta.set('pushedMutationId', String(res.lastMutationId));
        overlay.rebuild(touched, now());
      }).immediate();
      parts.emitOrders(touched);
      parts.refreshCounts();
      // A gap answer (all skipped) re-sends from the server's id; twice in a row means the
      // server and this desk disagree on numbering and retrying now would spin.
      if (res.lastMutationId <= after) {
        if (++stalls >= 2)
          throw new ServerCallError('push made no progress', {
            transient: true,
            network: false,
            status: 200,
            code: 'unavailable',
          });
      } else stalls = 0;
    }
  }

  return pushAll;
}
