import { DISPUTE_FOLLOWS_JSON_CHANGES } from '../../disputes/disputeChangeTrigger.ts';
import { AGENT_SCOPE_TRIGGER_SQL } from '../../sync/agentScopeTrigger.ts';
import type { Migration } from '../migrate.ts';

/** Runs each statement when `proc` exists in this schema (a module that made it has run). */
const ifFunction = (proc: string, statements: readonly string[]) => `DO $do$ BEGIN
  IF to_regprocedure(quote_ident(current_schema()) || '.${proc}()') IS NOT NULL THEN
${statements.map((s) => `    EXECUTE $sql$${s}$sql$;`).join('\n')}
  END IF;
END $do$`;

/**
 * Issue 13: the change log's payload and a command's stored outcome become `json`, kept as the
 * text written. Both are written on every command and only ever read whole (pull sends the text
 * as it is; replays parse it in Node), or with `->`/`->>`, which json has too. Building jsonb
 * (keys sorted, every number parsed as numeric) was the largest cost of the write path's
 * biggest statement. Orders and their events stay jsonb: they are queried inside.
 *
 * Triggers that read the payload follow: the agents' scope trigger (sync migration 102) is
 * recreated around the type change (PostgreSQL refuses to change a column a WHEN clause reads),
 * and the dispute queue's follower reads json (dispute migration 302), here too where the
 * dispute tables already exist, so no change-log insert meets the old function in between.
 */
export const migration0010: Migration = {
  id: 10,
  name: 'json_logs',
  sql: `
DROP TRIGGER IF EXISTS changes_note_agent_scope_entry ON changes
--;;
ALTER TABLE changes ALTER COLUMN payload TYPE json USING payload::json
--;;
ALTER TABLE commands ALTER COLUMN result TYPE json USING result::json
--;;
${ifFunction('note_agent_scope_entry', [AGENT_SCOPE_TRIGGER_SQL])}
--;;
${ifFunction('dispute_case_from_change', DISPUTE_FOLLOWS_JSON_CHANGES)}
`,
};
