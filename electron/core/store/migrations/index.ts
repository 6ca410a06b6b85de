import { sql as ledger } from './0001_ledger.ts';
import { sql as orders } from './0002_orders.ts';
import { sql as search } from './0003_search.ts';

export interface Migration {
  /** Becomes PRAGMA user_version once applied; numbers start at 1 and have no gaps. */
  version: number;
  name: string;
  sql: string;
}

/** Every migration in order. Append only: a shipped migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_ledger', sql: ledger },
  { version: 2, name: '0002_orders', sql: orders },
  { version: 3, name: '0003_search', sql: search },
];
