import type { Migration } from '../migrate.ts';

/**
 * Issue 14: each merchant's books run on the merchant's own clock. `time_zone` is an IANA zone
 * (checked by the route that sets it); existing merchants are China shops, hence the default.
 */
export const migration0007: Migration = {
  id: 7,
  name: 'merchant_time_zone',
  sql: `
ALTER TABLE merchants ADD COLUMN time_zone text NOT NULL DEFAULT 'Asia/Shanghai'
  CHECK (length(time_zone) BETWEEN 1 AND 64)
`,
};
