import type { Migration } from '../migrate.ts';
import { migration0001 } from './0001_accounts_and_orders.ts';
import { migration0002 } from './0002_ledger.ts';
import { migration0003 } from './0003_balance_safe_range.ts';
import { migration0004 } from './0004_security.ts';
import { migration0005 } from './0005_treasury_ledger.ts';
import { migration0006 } from './0006_shipping.ts';
import { migration0007 } from './0007_merchant_time_zone.ts';
import { migration0008 } from './0008_journal_shards.ts';
import { migration0009 } from './0009_partition_keys.ts';
import { migration0010 } from './0010_json_logs.ts';
import { migration0011 } from './0011_one_due_index.ts';
import { migration0012 } from './0012_login_failures.ts';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
];
