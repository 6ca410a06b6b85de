import type { GoodsKind } from '../shared/escrow/types.ts';
import { createPrng } from './prng.ts';

/**
 * What the simulator does, as plain data. A schedule is generated from the seed up front and
 * then executed; each action carries its own random draws (`pick`, `choice`) and resolves its
 * target against the world only when it runs. So any sub-list of a schedule is still a valid
 * schedule — which is what lets the shrinker cut a failing one down by deleting actions.
 */
export type SyncFault =
  | 'none'
  /** The push never reaches the server. */
  | 'drop_push'
  /** The server commits the push; the answer is lost on the way back. */
  | 'cut_push'
  /** The push is delivered twice; the desk sees the second answer. */
  | 'dup_push'
  /** A 503 from a proxy before the server sees the push. */
  | 'error_push'
  /** The desk process dies after the server committed its push, before it stored the answer. */
  | 'kill_after_push'
  /** The desk dies after a pull page was answered, before it stored the page. */
  | 'kill_after_pull'
  /** The pull is delivered twice; the desk stores the second answer. */
  | 'dup_pull'
  /** The pull answer is cut. */
  | 'cut_pull';

export type BankVariant =
  | 'genuine'
  /** The same notification delivered again (bank retry). */
  | 'duplicate'
  /** A genuine notification whose signature is older than the replay window. */
  | 'late'
  /** A body signed with the wrong secret. */
  | 'forged'
  /** A genuine notification for a different amount than the order's. */
  | 'wrong_amount';

export type Action =
  | { kind: 'create_order'; buyer: number; amountFen: number; goods: GoodsKind; dup: boolean }
  | { kind: 'bank_notify'; pick: number; variant: BankVariant }
  | { kind: 'buyer_act'; pick: number; choice: number; dup: boolean }
  | { kind: 'desk_act'; desk: number; pick: number; choice: number }
  | { kind: 'agent_act'; pick: number; choice: number }
  | { kind: 'desk_sync'; desk: number; fault: SyncFault; faultAt: number }
  | { kind: 'desk_offline'; desk: number; offline: boolean }
  /** Jump to just before, at, or just after some order's next timer; or a plain jump. */
  | { kind: 'clock'; pick: number; mode: 'before' | 'at' | 'after' | 'jump'; jumpMs: number }
  | { kind: 'timers' }
  | { kind: 'server_restart' }
  /** Every desk back online, faults off, everyone syncs: replicas must converge. */
  | { kind: 'heal' }
  // Treasury (issue 16), scheduled only when asked for (`treasury`), so the escrow seeds of
  // earlier runs replay unchanged.
  /** The seller admin withdraws part of the available balance (sometimes the request twice). */
  | { kind: 'withdraw'; pick: number; dup: boolean }
  /** Finance sends the requested withdrawals to the bank. */
  | { kind: 'payout_batch' }
  /** The bank answers a sent payout: paid, failed, again, contradicting, forged or stale. */
  | { kind: 'payout_result'; pick: number; variant: PayoutResultVariant }
  /** Finance imports yesterday's statement (sometimes with a bank-side difference, or again). */
  | { kind: 'statement'; variant: StatementVariant; pick: number };

export type PayoutResultVariant =
  'paid' | 'failed' | 'duplicate' | 'contradict' | 'forged' | 'stale';
export type StatementVariant =
  'clean' | 'duplicate_line' | 'unknown_line' | 'omit_one' | 'reversal' | 'reimport';

/** Seller desks of merchant m1 (the agent desk is separate). */
export const SELLER_DESKS = 3;
export const BUYERS = 4;

const HOUR_MS = 3_600_000;

const ESCROW_WEIGHTS = {
  create_order: 8,
  bank_notify: 8,
  buyer_act: 14,
  desk_act: 20,
  agent_act: 8,
  desk_sync: 20,
  desk_offline: 3,
  clock: 8,
  timers: 6,
  server_restart: 1,
  heal: 2,
};
const TREASURY_WEIGHTS = { withdraw: 6, payout_batch: 3, payout_result: 6, statement: 4 };

export function generateSchedule(
  seed: number,
  steps: number,
  opts: { treasury?: boolean } = {},
): Action[] {
  const prng = createPrng(seed ^ 0x5c4ed);
  const actions: Action[] = [];
  for (let i = 0; i < steps; i++) {
    const kind = opts.treasury
      ? prng.weighted({ ...TREASURY_WEIGHTS, ...ESCROW_WEIGHTS })
      : prng.weighted(ESCROW_WEIGHTS);
    switch (kind) {
      case 'create_order':
        actions.push({
          kind,
          buyer: prng.int(BUYERS),
          // Mostly small; some above the maker-checker threshold (500 000 fen).
          amountFen: prng.chance(0.15) ? prng.range(500_001, 900_000) : prng.range(100, 60_000),
          goods: prng.pick(['express', 'surface', 'virtual'] as const),
          dup: prng.chance(0.2),
        });
        break;
      case 'bank_notify':
        actions.push({
          kind,
          pick: prng.next(),
          variant: prng.weighted({
            genuine: 10,
            duplicate: 3,
            late: 1,
            forged: 1,
            wrong_amount: 1,
          }),
        });
        break;
      case 'buyer_act':
        actions.push({ kind, pick: prng.next(), choice: prng.next(), dup: prng.chance(0.15) });
        break;
      case 'desk_act':
        actions.push({
          kind,
          desk: prng.int(SELLER_DESKS),
          pick: prng.next(),
          choice: prng.next(),
        });
        break;
      case 'agent_act':
        actions.push({ kind, pick: prng.next(), choice: prng.next() });
        break;
      case 'desk_sync':
        actions.push({
          kind,
          // SELLER_DESKS is the agent's desk.
          desk: prng.int(SELLER_DESKS + 1),
          fault: prng.weighted({
            none: 12,
            drop_push: 1,
            cut_push: 2,
            dup_push: 1,
            error_push: 1,
            kill_after_push: 2,
            kill_after_pull: 2,
            dup_pull: 1,
            cut_pull: 1,
          }),
          // Most rounds make one push and one or two pulls; aim most faults at the first.
          faultAt: prng.chance(0.7) ? 0 : prng.int(3),
        });
        break;
      case 'desk_offline':
        actions.push({ kind, desk: prng.int(SELLER_DESKS + 1), offline: prng.chance(0.6) });
        break;
      case 'clock':
        actions.push({
          kind,
          pick: prng.next(),
          mode: prng.weighted({ before: 2, at: 3, after: 3, jump: 2 }),
          jumpMs: prng.range(1, 96) * HOUR_MS,
        });
        break;
      case 'withdraw':
        actions.push({ kind, pick: prng.next(), dup: prng.chance(0.2) });
        break;
      case 'payout_result':
        actions.push({
          kind,
          pick: prng.next(),
          variant: prng.weighted({
            paid: 8,
            failed: 3,
            duplicate: 2,
            contradict: 1,
            forged: 1,
            stale: 1,
          }),
        });
        break;
      case 'statement':
        actions.push({
          kind,
          pick: prng.next(),
          variant: prng.weighted({
            clean: 6,
            duplicate_line: 1,
            unknown_line: 1,
            omit_one: 1,
            reversal: 1,
            reimport: 1,
          }),
        });
        break;
      default:
        actions.push({ kind });
    }
  }
  return actions;
}

export function describeAction(a: Action): string {
  const { kind, ...rest } = a;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`)
    .join(' ');
  return args ? `${kind} ${args}` : kind;
}
