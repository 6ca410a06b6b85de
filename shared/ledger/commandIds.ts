/**
 * The one rule for command ids (the idempotency key a client chooses for a command, and which
 * the journal records): 1–100 of letters, digits, ':', '_', '.', '-'. The desk contract, the
 * server's HTTP schemas and its command path all check this same pattern.
 */
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9:_.-]{1,100}$/;

export function isCommandId(value: unknown): value is string {
  return typeof value === 'string' && COMMAND_ID_PATTERN.test(value);
}
