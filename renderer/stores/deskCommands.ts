import { uuidv7 } from '../../shared/ids.ts';
import type { DeskApi, MethodInput } from '../../shared/contract/types.ts';
import type { EvidenceRef, OrderFlag } from '../../shared/escrow/types.ts';
import type { Result } from '../../shared/errors.ts';
import type { SyncStore } from './syncStore.ts';

type Shippable = Omit<MethodInput<'shipments.ship'>, 'commandId'>;

/**
 * The seller's commands. Each gets one idempotency key when the user acts; a call that fails
 * with `unavailable` (the core restarting) is retried with the SAME key, so it can never be
 * applied twice. Accepted commands are recorded as pending until sync confirms them.
 */
export function createDeskCommands(desk: DeskApi, sync: SyncStore) {
  async function run<T>(
    method: string,
    orderId: string,
    call: (commandId: string) => Promise<Result<T>>,
  ): Promise<Result<T>> {
    const commandId = uuidv7();
    let r = await call(commandId);
    for (let attempt = 0; !r.ok && r.error.code === 'unavailable' && attempt < 2; attempt++) {
      await new Promise((wake) => setTimeout(wake, 200 * (attempt + 1)));
      r = await call(commandId);
    }
    const action = { commandId, orderId, method, at: Date.now() };
    if (r.ok) await sync.getState().recordAccepted(action);
    else sync.getState().recordRejected({ ...action, ...r.error });
    return r;
  }

  return {
    ship: (input: Shippable) =>
      run('shipments.ship', input.orderId, (commandId) =>
        desk.shipments.ship({ ...input, commandId }),
      ),
    annotate: (orderId: string, note: string, flag: OrderFlag | null) =>
      run('orders.annotate', orderId, (commandId) =>
        desk.orders.annotate({ commandId, orderId, note, flag }),
      ),
    agreeRefund: (orderId: string, refundId: string) =>
      run('refunds.agree', orderId, (commandId) =>
        desk.refunds.agree({ commandId, orderId, refundId }),
      ),
    /** `evidence`: files already uploaded (refunds.uploadEvidence); they commit with it. */
    refuseRefund: (
      orderId: string,
      refundId: string,
      reason: string,
      evidence: EvidenceRef[] = [],
    ) =>
      run('refunds.refuse', orderId, (commandId) =>
        desk.refunds.refuse({
          commandId,
          orderId,
          refundId,
          reason,
          ...(evidence.length > 0 ? { evidence } : {}),
        }),
      ),
    /** An agent's decision on an escalated refund. */
    resolveEscalation: (input: Omit<MethodInput<'refunds.resolveEscalation'>, 'commandId'>) =>
      run('refunds.resolveEscalation', input.orderId, (commandId) =>
        desk.refunds.resolveEscalation({ ...input, commandId }),
      ),
    confirmReturn: (orderId: string, refundId: string) =>
      run('refunds.confirmReturn', orderId, (commandId) =>
        desk.refunds.confirmReturn({ commandId, orderId, refundId }),
      ),
  };
}

export type DeskCommands = ReturnType<typeof createDeskCommands>;
