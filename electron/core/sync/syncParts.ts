import type { EscrowCommand } from '../../../shared/escrow/types.ts';
import type { ReplicaStore } from '../replica/replicaStore.ts';
import type { Db } from '../store/openDatabase.ts';
import type { DeskAlert } from './deskAlerts.ts';
import type { Outbox } from './outbox.ts';
import type { ProvisionalOverlay } from './provisionalOverlay.ts';
import type { SyncIssues } from './syncIssues.ts';
import type { SyncMeta } from './syncMeta.ts';
import type { SyncStatusHub } from './syncStatus.ts';
import type { SyncTransport } from './syncTransport.ts';

/** What push, pull and the client around them share: one replica's stores and notifications. */
export interface SyncParts {
  db: Db;
  transport: SyncTransport;
  clientId: string;
  meta: SyncMeta;
  outbox: Outbox;
  replica: ReplicaStore;
  overlay: ProvisionalOverlay;
  issues: SyncIssues;
  hub: SyncStatusHub;
  now: () => number;
  /** Tells subscribers which orders changed (the lists and open panels follow). */
  emitOrders(ids: Iterable<string>): void;
  /** Tells subscribers what the seller should hear about now (new payments, refund requests). */
  emitAlerts(alerts: DeskAlert[]): void;
  /** Refreshes the pending and open-issue counts of the status. */
  refreshCounts(): void;
  /** Records a mutation the server refused as a sync issue the user sees. */
  recordRejection(
    mutationId: number,
    commandId: string,
    command: EscrowCommand,
    error: { code: string; message: string },
  ): void;
}
