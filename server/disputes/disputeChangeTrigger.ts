/**
 * How the dispute queue follows the change log once its payload is `json` (server migration
 * 0010): only `order` changes that hold claims reach PL/pgSQL (the WHEN clause, evaluated
 * without a function call, skips the other rows, most of the log), and the function reads the
 * payload as jsonb itself. Applied by dispute migration 302 on new databases, and by 0010 on
 * databases whose dispute tables existed before it. Its own module so that server migration
 * can use it without importing the dispute routes' module.
 */
export const DISPUTE_FOLLOWS_JSON_CHANGES: readonly string[] = [
  `CREATE OR REPLACE FUNCTION dispute_case_from_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM dispute_case_sync(NEW.payload::jsonb, NEW.command_id, NEW.created_at);
     RETURN NEW;
   END
   $$`,
  `DROP TRIGGER IF EXISTS dispute_cases_follow_orders ON changes`,
  `CREATE TRIGGER dispute_cases_follow_orders AFTER INSERT ON changes FOR EACH ROW
     WHEN (NEW.kind = 'order' AND CASE WHEN json_typeof(NEW.payload->'claims') = 'array'
                                       THEN json_array_length(NEW.payload->'claims') > 0
                                       ELSE false END)
     EXECUTE FUNCTION dispute_case_from_change()`,
];
