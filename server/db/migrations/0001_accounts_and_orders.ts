import type { Migration } from '../migrate.ts';

/** Merchants, users and sessions; orders as aggregates; the command and change logs. */
export const migration0001: Migration = {
  id: 1,
  name: 'accounts_and_orders',
  sql: `
CREATE TABLE merchants (
  merchant_id text PRIMARY KEY,
  name text NOT NULL,
  fee_bps integer NOT NULL CHECK (fee_bps BETWEEN 0 AND 10000),
  created_at bigint NOT NULL
)
--;;
CREATE TABLE users (
  user_id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('seller_staff','seller_admin','agent','senior_agent','buyer')),
  merchant_id text REFERENCES merchants(merchant_id),
  created_at bigint NOT NULL,
  CHECK ((role IN ('seller_staff','seller_admin')) = (merchant_id IS NOT NULL))
)
--;;
CREATE TABLE sessions (
  token_sha256 text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(user_id),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
)
--;;
CREATE TABLE orders (
  order_id text PRIMARY KEY,
  merchant_id text NOT NULL,
  buyer_id text NOT NULL,
  status text NOT NULL,
  currency text NOT NULL,
  amount_fen bigint NOT NULL CHECK (amount_fen > 0),
  state jsonb NOT NULL,
  version integer NOT NULL,
  next_timer_at bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
)
--;;
CREATE INDEX orders_by_merchant ON orders (merchant_id, created_at)
--;;
CREATE INDEX orders_by_buyer ON orders (buyer_id, created_at)
--;;
CREATE INDEX orders_due ON orders (next_timer_at) WHERE next_timer_at IS NOT NULL
--;;
CREATE TABLE order_events (
  order_id text NOT NULL REFERENCES orders(order_id),
  version integer NOT NULL,
  command_id text NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (order_id, version)
)
--;;
CREATE TABLE commands (
  command_id text PRIMARY KEY,
  payload_sha256 text NOT NULL,
  actor_user_id text NOT NULL,
  command_type text NOT NULL,
  order_id text,
  result jsonb,
  created_at bigint NOT NULL
)
--;;
CREATE TABLE changes (
  seq bigserial PRIMARY KEY,
  kind text NOT NULL,
  key text NOT NULL,
  merchant_id text,
  buyer_id text,
  command_id text,
  payload jsonb NOT NULL,
  created_at bigint NOT NULL
)
--;;
CREATE INDEX changes_by_merchant ON changes (merchant_id, seq)
--;;
CREATE TABLE bank_notifications (
  bank text NOT NULL,
  notification_id text NOT NULL,
  body_sha256 text NOT NULL,
  command_id text NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (bank, notification_id)
)
--;;
CREATE TABLE evidence_files (
  sha256 text PRIMARY KEY,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  content bytea NOT NULL,
  created_at bigint NOT NULL
)
--;;
CREATE TABLE evidence_uploads (
  sha256 text NOT NULL REFERENCES evidence_files(sha256),
  user_id text NOT NULL,
  name text NOT NULL,
  mime text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (sha256, user_id)
)
`,
};
