import { sql as replica } from './0001_replica.ts';
import { sql as lookupFromCode } from './0002_lookup_from_code.ts';
import { sql as withdrawalOutbox } from './0003_withdrawal_outbox.ts';
import { sql as orderAmount } from './0004_order_amount.ts';
import { sql as merchantSettings } from './0005_merchant_settings.ts';
import { sql as txnsByShard } from './0006_txns_by_shard.ts';
import { sql as txnsClustered } from './0007_txns_clustered.ts';
import { sql as overlayPatch } from './0008_overlay_patch.ts';
import { sql as overlayShown } from './0009_overlay_shown.ts';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; numbers start at 1 and have no gaps. */
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration of a replica database, in order. Append only: a shipped migration is never
 * edited. (Replica files are per user and per server under the data folder; the single
 * `desk.db` of earlier builds, with its local ledger, is no longer opened.)
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_replica', sql: replica },
  { version: 2, name: '0002_lookup_from_code', sql: lookupFromCode },
  { version: 3, name: '0003_withdrawal_outbox', sql: withdrawalOutbox },
  { version: 4, name: '0004_order_amount', sql: orderAmount },
  { version: 5, name: '0005_merchant_settings', sql: merchantSettings },
  { version: 6, name: '0006_txns_by_shard', sql: txnsByShard },
  { version: 7, name: '0007_txns_clustered', sql: txnsClustered },
  { version: 8, name: '0008_overlay_patch', sql: overlayPatch },
  { version: 9, name: '0009_overlay_shown', sql: overlayShown },
];
