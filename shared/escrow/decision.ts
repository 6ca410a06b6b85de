import { DeskError } from '../errors.ts';
import type { ErrorCode, ErrorInfo } from '../errors.ts';
import type { EscrowEvent, OrderState } from './types.ts';

/**
 * What `decide` answers: the events to append and the state they fold to (what `evolve` gives
 * over them; decide has already folded them to add the pause transitions, and a caller that
 * needs only the end state need not fold them again), or one stable rejection.
 */
export type Decision =
  { ok: true; events: EscrowEvent[]; state: OrderState } | { ok: false; error: ErrorInfo };

/**
 * Rules reject by throwing a DeskError; `decide` catches it and returns it as a value. Throwing
 * keeps each rule a straight line of checks instead of a ladder of early returns.
 */
export function reject(code: ErrorCode, message: string): never {
  throw new DeskError(code, message);
}
