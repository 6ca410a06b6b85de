import type { Database } from '../db/database.ts';
import { applyMigrations } from '../db/migrate.ts';
import type { StatementMigration } from '../db/migrate.ts';
import { DISPUTE_FOLLOWS_JSON_CHANGES } from './disputeChangeTrigger.ts';

/**
 * The dispute desk's own tables, applied by `prepareDisputeSchema` when its routes register.
 * Ids from 300 up share `schema_migrations` with the server's list (1…) and sync's (100…)
 * without colliding, so the desk can add tables without editing either list.
 *
 * - `dispute_cases`: one row per claim, the queue's index (claims live inside the order
 *   aggregate; scanning every order's JSON for a queue would not scale). `snapshot` is the
 *   claim as last seen, which is the "before" of the next audit entry.
 * - `case_assignments`: who works a case now (mutable on purpose: the audit keeps history).
 * - `case_notes`: internal notes, agents only, append-only.
 * - `case_messages` (301): messages to the buyer or the seller of a case, append-only.
 * - `case_audit` + `case_audit_head`: every case action in one append-only hash chain. Each
 *   row's hash covers `jsonb_build_array(prev_hash, seq, claim, order, actor, role, action,
 *   before, after, detail, at, command)::text`; PostgreSQL's jsonb text form is canonical, so
 *   a verifier recomputes the hash in Node from that text and any edited column breaks it.
 * - A trigger on `changes` (the sync change log applyCommand writes once per applied command,
 *   with the order's new state) audits every claim command — HTTP, sync push and timers alike —
 *   in the same database transaction as the command, so no path can skip the audit.
 */

const AUDIT_MATERIAL = `jsonb_build_array(p_prev, p_seq, p_claim, p_order, p_actor, p_role, p_action,
  p_before, p_after, p_detail, p_at, p_command)::text`;

/**
 * A claim id names one case on one order. The rules check it per order only (claimRules.ts);
 * a claim filed on another order under an id already taken would take over that case (its
 * status, snapshot and audit trail) and block its payment. The write is refused instead, with
 * this constraint name, which applyBatch answers as `claim_exists`.
 */
export const CLAIM_ID_TAKEN = 'dispute_cases_claim_of_another_order';
const CLAIM_OF_ANOTHER_ORDER = `IF prior_order IS NOT NULL AND prior_order <> p_order->>'orderId' THEN
         RAISE EXCEPTION 'claim % is another order''s', c->>'claimId'
           USING ERRCODE = 'unique_violation', CONSTRAINT = '${CLAIM_ID_TAKEN}';
       END IF;`;

/** Keeps dispute_cases in step with the order aggregate and audits what changed per claim. */
const caseSync = (
  guarded: boolean,
) => `dispute_case_sync(p_order jsonb, p_command text, p_at bigint)
     RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     c jsonb;
     prior jsonb;
     prior_order text;
     who text;
     what text;
     role text;
     events jsonb;
   BEGIN
     IF jsonb_typeof(p_order->'claims') <> 'array' THEN RETURN; END IF;
     FOR c IN SELECT value FROM jsonb_array_elements(p_order->'claims') LOOP
       SELECT snapshot, order_id INTO prior, prior_order
         FROM dispute_cases WHERE claim_id = c->>'claimId' FOR UPDATE;
       ${guarded ? CLAIM_OF_ANOTHER_ORDER : ''}
       IF prior IS NOT NULL AND prior = c THEN CONTINUE; END IF;
       SELECT cm.actor_user_id, cm.command_type INTO who, what
         FROM commands cm WHERE cm.command_id = p_command;
       SELECT u.role INTO role FROM users u WHERE u.user_id = who;
       SELECT coalesce(jsonb_agg(e.event ORDER BY e.version), '[]'::jsonb) INTO events
         FROM order_events e
        WHERE e.order_id = p_order->>'orderId' AND e.command_id = p_command
          AND (e.event->>'claimId' = c->>'claimId' OR e.event->>'claimId' IS NULL);
       PERFORM case_audit_append(c->>'claimId', p_order->>'orderId',
         coalesce(who, 'system'), coalesce(role, split_part(coalesce(who, 'system'), ':', 1)),
         coalesce(what, CASE WHEN p_command IS NULL THEN 'case_imported' ELSE 'unknown' END), prior, c, jsonb_build_object('events', events), p_at,
         p_command);
       INSERT INTO dispute_cases (claim_id, order_id, merchant_id, buyer_id, status, amount_fen,
                                  paid_fen, filed_at, due_at, decided_at, reason, snapshot,
                                  updated_at)
       VALUES (c->>'claimId', p_order->>'orderId', p_order->>'merchantId', p_order->>'buyerId',
               c->>'status', (c->>'amountFen')::bigint, coalesce((c->>'paidFen')::bigint, 0),
               (c->>'filedAt')::bigint, (c->>'dueAt')::bigint, (c->>'decidedAt')::bigint,
               coalesce(c->>'reason', ''), c, p_at)
       ON CONFLICT (claim_id) DO UPDATE SET status = EXCLUDED.status,
         paid_fen = EXCLUDED.paid_fen, due_at = EXCLUDED.due_at,
         decided_at = EXCLUDED.decided_at, snapshot = EXCLUDED.snapshot,
         updated_at = EXCLUDED.updated_at;
     END LOOP;
   END
   $$`;

const STATEMENTS: string[] = [
  `CREATE TABLE dispute_cases (
     claim_id text PRIMARY KEY,
     order_id text NOT NULL,
     merchant_id text NOT NULL,
     buyer_id text NOT NULL,
     status text NOT NULL,
     amount_fen bigint NOT NULL CHECK (amount_fen > 0),
     paid_fen bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
     filed_at bigint NOT NULL,
     due_at bigint,
     decided_at bigint,
     reason text NOT NULL,
     snapshot jsonb NOT NULL,
     updated_at bigint NOT NULL
   )`,
  `CREATE INDEX dispute_cases_by_status ON dispute_cases (status, filed_at)`,
  `CREATE INDEX dispute_cases_by_merchant ON dispute_cases (merchant_id, filed_at)`,
  `CREATE TABLE case_assignments (
     claim_id text PRIMARY KEY REFERENCES dispute_cases(claim_id),
     agent_id text NOT NULL,
     assigned_at bigint NOT NULL
   )`,
  `CREATE TABLE case_notes (
     note_id text PRIMARY KEY,
     claim_id text NOT NULL REFERENCES dispute_cases(claim_id),
     author_id text NOT NULL,
     body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
     created_at bigint NOT NULL
   )`,
  `CREATE INDEX case_notes_by_claim ON case_notes (claim_id, created_at)`,
  `CREATE TABLE case_audit_head (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     seq bigint NOT NULL,
     hash text NOT NULL
   )`,
  `INSERT INTO case_audit_head (singleton, seq, hash) VALUES (true, 0, repeat('0', 64))`,
  `CREATE TABLE case_audit (
     seq bigint PRIMARY KEY CHECK (seq > 0),
     claim_id text NOT NULL,
     order_id text NOT NULL,
     actor_id text NOT NULL,
     actor_role text,
     action text NOT NULL,
     before jsonb,
     after jsonb,
     detail jsonb,
     at bigint NOT NULL,
     command_id text,
     prev_hash text NOT NULL,
     hash text NOT NULL UNIQUE
   )`,
  `CREATE INDEX case_audit_by_claim ON case_audit (claim_id, seq)`,
  `CREATE FUNCTION case_audit_hash(p_prev text, p_seq bigint, p_claim text, p_order text,
     p_actor text, p_role text, p_action text, p_before jsonb, p_after jsonb, p_detail jsonb,
     p_at bigint, p_command text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
     SELECT encode(sha256(convert_to(${AUDIT_MATERIAL}, 'UTF8')), 'hex')
   $$`,
  // Appends one row under the head's row lock, so concurrent case actions chain one by one.
  `CREATE FUNCTION case_audit_append(p_claim text, p_order text, p_actor text, p_role text,
     p_action text, p_before jsonb, p_after jsonb, p_detail jsonb, p_at bigint, p_command text)
     RETURNS bigint LANGUAGE plpgsql AS $$
   DECLARE
     h record;
     s bigint;
     nh text;
   BEGIN
     SELECT seq, hash INTO h FROM case_audit_head WHERE singleton FOR UPDATE;
     s := h.seq + 1;
     nh := case_audit_hash(h.hash, s, p_claim, p_order, p_actor, p_role, p_action, p_before,
                           p_after, p_detail, p_at, p_command);
     INSERT INTO case_audit (seq, claim_id, order_id, actor_id, actor_role, action, before, after,
                             detail, at, command_id, prev_hash, hash)
     VALUES (s, p_claim, p_order, p_actor, p_role, p_action, p_before, p_after, p_detail, p_at,
             p_command, h.hash, nh);
     UPDATE case_audit_head SET seq = s, hash = nh WHERE singleton;
     RETURN s;
   END
   $$`,
  `CREATE FUNCTION ${caseSync(false)}`,
  `CREATE FUNCTION dispute_case_from_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.kind = 'order' AND jsonb_typeof(NEW.payload->'claims') = 'array'
        AND jsonb_array_length(NEW.payload->'claims') > 0 THEN
       PERFORM dispute_case_sync(NEW.payload, NEW.command_id, NEW.created_at);
     END IF;
     RETURN NEW;
   END
   $$`,
  `CREATE TRIGGER dispute_cases_follow_orders AFTER INSERT ON changes
     FOR EACH ROW EXECUTE FUNCTION dispute_case_from_change()`,
  `CREATE FUNCTION dispute_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
   END
   $$`,
  `CREATE TRIGGER case_audit_append_only BEFORE UPDATE OR DELETE ON case_audit
     FOR EACH ROW EXECUTE FUNCTION dispute_refuse_change()`,
  `CREATE TRIGGER case_audit_no_truncate BEFORE TRUNCATE ON case_audit
     FOR EACH STATEMENT EXECUTE FUNCTION dispute_refuse_change()`,
  `CREATE TRIGGER case_notes_append_only BEFORE UPDATE OR DELETE ON case_notes
     FOR EACH ROW EXECUTE FUNCTION dispute_refuse_change()`,
  `CREATE TRIGGER case_notes_no_truncate BEFORE TRUNCATE ON case_notes
     FOR EACH STATEMENT EXECUTE FUNCTION dispute_refuse_change()`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON case_audit, case_notes FROM PUBLIC`,
  // Claims filed before the desk's tables existed enter the queue (and the audit) now.
  `DO $$
   DECLARE o record;
   BEGIN
     FOR o IN SELECT state, updated_at FROM orders
               WHERE jsonb_array_length(state->'claims') > 0 ORDER BY created_at LOOP
       PERFORM dispute_case_sync(o.state, NULL, o.updated_at);
     END LOOP;
   END
   $$`,
];

/** Messages from the desk to a case's buyer or seller (caseMessages.ts); append-only. */
const MESSAGES: string[] = [
  `CREATE TABLE case_messages (
     message_id text PRIMARY KEY,
     claim_id text NOT NULL REFERENCES dispute_cases(claim_id),
     to_party text NOT NULL CHECK (to_party IN ('buyer', 'seller')),
     author_id text NOT NULL,
     body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
     created_at bigint NOT NULL
   )`,
  `CREATE INDEX case_messages_by_claim ON case_messages (claim_id, created_at)`,
  `CREATE TRIGGER case_messages_append_only BEFORE UPDATE OR DELETE ON case_messages
     FOR EACH ROW EXECUTE FUNCTION dispute_refuse_change()`,
  `CREATE TRIGGER case_messages_no_truncate BEFORE TRUNCATE ON case_messages
     FOR EACH STATEMENT EXECUTE FUNCTION dispute_refuse_change()`,
  `REVOKE UPDATE, DELETE, TRUNCATE ON case_messages FROM PUBLIC`,
];

const DISPUTE_MIGRATIONS: readonly StatementMigration[] = [
  { id: 300, name: 'dispute_desk', statements: STATEMENTS },
  { id: 301, name: 'dispute_case_messages', statements: MESSAGES },
  { id: 302, name: 'dispute_follows_json_changes', statements: [...DISPUTE_FOLLOWS_JSON_CHANGES] },
  {
    id: 303,
    name: 'claim_ids_are_global',
    statements: [`CREATE OR REPLACE FUNCTION ${caseSync(true)}`],
  },
];

export async function prepareDisputeSchema(db: Database): Promise<void> {
  await applyMigrations(db, DISPUTE_MIGRATIONS);
}
