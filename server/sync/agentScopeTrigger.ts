import { AGENT_SCOPE_TYPES_SQL } from './syncScope.ts';

/**
 * The trigger that notes when an order enters the agents' scope (sync migration 102). Its own
 * module because server migration 0010 drops and recreates it around changing the type of the
 * column its WHEN clause reads, and migrations must not import the sync routes' module.
 */
export const AGENT_SCOPE_TRIGGER_SQL = `CREATE TRIGGER changes_note_agent_scope_entry AFTER INSERT ON changes FOR EACH ROW
         WHEN (NEW.kind = 'order_event' AND NEW.payload->>'type' IN (${AGENT_SCOPE_TYPES_SQL}))
         EXECUTE FUNCTION note_agent_scope_entry()`;
