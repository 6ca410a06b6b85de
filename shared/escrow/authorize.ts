import type { ErrorInfo } from '../errors.ts';
import type { Actor, EscrowCommand, EscrowCommandType, OrderState, Role } from './types.ts';

/**
 * Who may ask for what (DESIGN.md "Roles"). The server runs this for every command; the desk
 * runs it only to hide what a role cannot do. Buyers act on their own orders, seller staff on
 * their merchant's, agents on any order's claims and escalations, the bank confirms payments
 * and the system runs timers. Everything else is `forbidden`.
 */

const BUYER: readonly EscrowCommandType[] = [
  'create_order',
  'confirm_receipt',
  'extend_receipt',
  'request_refund',
  'ship_return',
  'cancel_refund',
  'escalate_refund',
  'file_claim',
  'provide_claim_info',
];
const SELLER: readonly EscrowCommandType[] = [
  'ship',
  'annotate_order',
  'agree_refund',
  'refuse_refund',
  'confirm_return',
  'submit_seller_evidence',
];
const AGENT: readonly EscrowCommandType[] = [
  'request_seller_evidence',
  'decide_claim',
  'resolve_escalation',
];

export const COMMANDS_BY_ROLE: Readonly<Record<Role, readonly EscrowCommandType[]>> = {
  buyer: BUYER,
  seller_staff: SELLER,
  seller_admin: SELLER,
  agent: AGENT,
  senior_agent: [...AGENT, 'second_approval'],
  // Finance moves money only through the treasury (withdrawals, payouts, adjustments).
  finance: [],
  bank: ['confirm_payment'],
  system: ['advance_timers'],
};

const forbidden = (message: string): ErrorInfo => ({ code: 'forbidden', message });

export function authorize(
  actor: Actor,
  command: EscrowCommand,
  state: OrderState | null,
): ErrorInfo | null {
  if (typeof actor !== 'object' || actor === null) return forbidden('no actor');
  if (typeof actor.userId !== 'string' || actor.userId === '')
    return forbidden('actor has no user id');
  if (!Object.hasOwn(COMMANDS_BY_ROLE, actor.role)) return forbidden('unknown role');
  const allowed = COMMANDS_BY_ROLE[actor.role];
  if (!allowed.includes(command.type)) {
    return forbidden(`a ${actor.role} may not ${command.type.replace(/_/g, ' ')}`);
  }
  switch (actor.role) {
    case 'buyer':
      if (command.type === 'create_order') {
        return command.buyerId === actor.userId ? null : forbidden('buyers order for themselves');
      }
      // Ownership cannot be checked without the order, so no order means no permission.
      return state && state.buyerId === actor.userId ? null : forbidden('not your order');
    case 'seller_staff':
    case 'seller_admin':
      return state && actor.merchantId !== undefined && state.merchantId === actor.merchantId
        ? null
        : forbidden("not your merchant's order");
    default:
      return null;
  }
}
