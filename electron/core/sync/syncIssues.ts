import type { EscrowCommand, OrderState } from '../../../shared/escrow/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { Db } from '../store/openDatabase.ts';

/**
 * Sync issues: every mutation the server refused becomes a record the UI lists until the user
 * acknowledges it. Keyed by mutation id, so the same rejection arriving by push answer and by
 * pull (or twice after a crash) is one issue. Nothing here is ever deleted.
 */
export type NextAction =
  /** Dismiss: the user has seen it; nothing else to do. */
  | 'acknowledge'
  /** Open the order as it is now. */
  | 'view_order'
  /** Send the same action again as a new mutation (e.g. after the blocking state cleared). */
  | 'retry'
  /** Correct the input (tracking number, amount…) and act again. */
  | 'edit_and_retry'
  /** Deal with the refund or claim that blocks this action first. */
  | 'handle_open_refund'
  | 'handle_open_claim'
  /** The user's role or merchant may not do this; someone else has to. */
  | 'contact_admin';

export interface SyncIssue {
  mutationId: number;
  commandId: string;
  orderId: string;
  command: EscrowCommand;
  error: ErrorInfo;
  /** What the user saw when acting, and the confirmed state now. */
  baseState: OrderState | null;
  currentState: OrderState | null;
  /** One line for people: what changed on the order meanwhile. */
  whatChanged: string;
  nextActions: NextAction[];
  createdAt: number;
  acknowledgedAt: number | null;
  retriedAs: number | null;
}

export function nextActionsFor(code: string, current: OrderState | null): NextAction[] {
  const actions: NextAction[] = [];
  if (current) actions.push('view_order');
  switch (code) {
    case 'invalid_input':
    case 'invalid_amount':
    case 'invalid_tracking_number':
    case 'amount_too_large':
    case 'amount_mismatch':
      actions.push('edit_and_retry');
      break;
    case 'refund_open':
      actions.push('handle_open_refund', 'retry');
      break;
    case 'claim_open':
      actions.push('handle_open_claim', 'retry');
      break;
    case 'forbidden':
    case 'unauthorized':
      actions.push('contact_admin');
      break;
    default:
      break;
  }
  actions.push('acknowledge');
  return actions;
}

export function describeChange(base: OrderState | null, current: OrderState | null): string {
  if (!current) return 'the order is not visible to this desk';
  if (!base) return `the order is now ${current.status}`;
  if (base.version === current.version && base.status === current.status) {
    return `the order is unchanged (${current.status})`;
  }
  const parts: string[] = [];
  if (base.status !== current.status) parts.push(`status ${base.status} → ${current.status}`);
  const opened = current.refunds.filter(
    (r) => !base.refunds.some((b) => b.refundId === r.refundId && b.status === r.status),
  );
  for (const r of opened) parts.push(`refund ${r.refundId} is ${r.status}`);
  const claims = current.claims.filter(
    (c) => !base.claims.some((b) => b.claimId === c.claimId && b.status === c.status),
  );
  for (const c of claims) parts.push(`claim ${c.claimId} is ${c.status}`);
  return parts.length > 0
    ? parts.join('; ')
    : `the order changed (version ${base.version} → ${current.version})`;
}

interface Row {
  mutation_id: number;
  command_id: string;
  order_id: string;
  command_json: string;
  code: string;
  message: string;
  base_state_json: string | null;
  current_state_json: string | null;
  next_actions_json: string;
  created_at: number;
  acknowledged_at: number | null;
  retried_as: number | null;
}

export interface SyncIssues {
  record(input: {
    mutationId: number;
    commandId: string;
    command: EscrowCommand;
    error: ErrorInfo;
    baseState: OrderState | null;
    currentState: OrderState | null;
    nowMs: number;
  }): boolean;
  list(opts?: { includeAcknowledged?: boolean }): SyncIssue[];
  get(mutationId: number): SyncIssue | null;
  acknowledge(mutationId: number, nowMs: number): boolean;
  markRetried(mutationId: number, newMutationId: number, nowMs: number): void;
  openCount(): number;
}

function toIssue(r: Row, confirmedNow: (orderId: string) => OrderState | null): SyncIssue {
  const base = r.base_state_json ? (JSON.parse(r.base_state_json) as OrderState) : null;
  // "What changed meanwhile" is against the confirmed state as it is now, which keeps moving
  // after the rejection arrived; the stored copy is only a fallback.
  const current =
    confirmedNow(r.order_id) ??
    (r.current_state_json ? (JSON.parse(r.current_state_json) as OrderState) : null);
  return {
    mutationId: r.mutation_id,
    commandId: r.command_id,
    orderId: r.order_id,
    command: JSON.parse(r.command_json) as EscrowCommand,
    error: { code: r.code, message: r.message } as ErrorInfo,
    baseState: base,
    currentState: current,
    whatChanged: describeChange(base, current),
    nextActions: current
      ? nextActionsFor(r.code, current)
      : (JSON.parse(r.next_actions_json) as NextAction[]),
    createdAt: r.created_at,
    acknowledgedAt: r.acknowledged_at,
    retriedAs: r.retried_as,
  };
}

export function createSyncIssues(
  db: Db,
  confirmedNow: (orderId: string) => OrderState | null,
): SyncIssues {
  const insert = db.prepare(
    `INSERT INTO sync_issues (mutation_id, command_id, order_id, command_json, code, message,
       base_state_json, current_state_json, next_actions_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (mutation_id) DO NOTHING`,
  );
  const listOpen = db.prepare<[], Row>(
    'SELECT * FROM sync_issues WHERE acknowledged_at IS NULL ORDER BY mutation_id',
  );
  const listAll = db.prepare<[], Row>('SELECT * FROM sync_issues ORDER BY mutation_id');
  const byId = db.prepare<[number], Row>('SELECT * FROM sync_issues WHERE mutation_id = ?');
  const ack = db.prepare(
    'UPDATE sync_issues SET acknowledged_at = ? WHERE mutation_id = ? AND acknowledged_at IS NULL',
  );
  const retried = db.prepare(
    'UPDATE sync_issues SET retried_as = ?, acknowledged_at = coalesce(acknowledged_at, ?) WHERE mutation_id = ?',
  );
  const open = db.prepare<[], { n: number }>(
    'SELECT count(*) AS n FROM sync_issues WHERE acknowledged_at IS NULL',
  );
  return {
    record(i) {
      return (
        insert.run(
          i.mutationId,
          i.commandId,
          i.command.orderId,
          JSON.stringify(i.command),
          i.error.code,
          i.error.message,
          i.baseState ? JSON.stringify(i.baseState) : null,
          i.currentState ? JSON.stringify(i.currentState) : null,
          JSON.stringify(nextActionsFor(i.error.code, i.currentState)),
          i.nowMs,
        ).changes > 0
      );
    },
    list(opts = {}) {
      return (opts.includeAcknowledged ? listAll : listOpen)
        .all()
        .map((r) => toIssue(r, confirmedNow));
    },
    get(mutationId) {
      const r = byId.get(mutationId);
      return r ? toIssue(r, confirmedNow) : null;
    },
    acknowledge(mutationId, nowMs) {
      return ack.run(nowMs, mutationId).changes > 0;
    },
    markRetried(mutationId, newMutationId, nowMs) {
      retried.run(newMutationId, nowMs, mutationId);
    },
    openCount() {
      return open.get()?.n ?? 0;
    },
  };
}
