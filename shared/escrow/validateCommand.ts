import type { ErrorInfo } from '../errors.ts';
import { DeskError } from '../errors.ts';
import { assertFen, isCurrency, MAX_ORDER_FEN } from '../money.ts';
import type { EscrowCommand } from './types.ts';
import { ESCROW_COMMAND_TYPES, ORDER_FLAGS } from './types.ts';
import { parseRecipient, RECIPIENT_FIELDS } from '../shipping/recipient.ts';
import { REFUND_FILES_MAX } from './refundEvidence.ts';

/**
 * Commands arrive from the network, so every field is checked here before any rule reads it,
 * whatever the TypeScript type claims. Ids must fit the ledger's account-name segment
 * (shared/ledger/accounts.ts) because order, merchant, buyer and bank ids become account names.
 */

const ID_RE = /^[A-Za-z0-9_.-]{1,80}$/;
const TRACKING_RE = /^[A-Za-z0-9-]{4,40}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const TEXT_MAX_CHARS = 500;
const NOTE_MAX_CHARS = 4000;
const EVIDENCE_MAX_ITEMS = 20;
const EVIDENCE_MAX_BYTES = 100 * 1024 * 1024;
const QUANTITY_MAX = 1_000_000;

const COMMAND_TYPES = new Set<string>(ESCROW_COMMAND_TYPES);

type Fields = Record<string, unknown>;

function bad(message: string): never {
  throw new DeskError('invalid_input', message);
}

function id(c: Fields, key: string): void {
  const v = c[key];
  if (typeof v !== 'string' || !ID_RE.test(v)) bad(`${key} must be 1-80 of A-Z a-z 0-9 _ . -`);
}

/** Required human text: non-blank and bounded. */
function text(c: Fields, key: string, maxChars = TEXT_MAX_CHARS): void {
  const v = c[key];
  if (typeof v !== 'string' || v.trim() === '' || v.length > maxChars) {
    bad(`${key} must be non-empty text of at most ${maxChars} characters`);
  }
}

/** A free note may be empty (the evidence or the decision says enough) but stays bounded. */
function note(c: Fields, key: string): void {
  const v = c[key];
  if (typeof v !== 'string' || v.length > NOTE_MAX_CHARS) {
    bad(`${key} must be text of at most ${NOTE_MAX_CHARS} characters`);
  }
}

function oneOf(c: Fields, key: string, allowed: readonly string[]): void {
  const v = c[key];
  if (typeof v !== 'string' || !allowed.includes(v))
    bad(`${key} must be one of ${allowed.join(', ')}`);
}

function amount(c: Fields, key: string, optional = false): void {
  const v = c[key];
  if (optional && v === undefined) return;
  assertFen(v, key, { positive: true });
  if ((v as number) > MAX_ORDER_FEN) {
    throw new DeskError('amount_too_large', `${key} exceeds ${MAX_ORDER_FEN} fen`);
  }
}

function currency(c: Fields): void {
  if (!isCurrency(c.currency)) bad('currency is not supported');
}

function tracking(c: Fields): void {
  text(c, 'carrier', 100);
  const v = c.trackingNo;
  if (typeof v !== 'string' || !TRACKING_RE.test(v)) {
    throw new DeskError('invalid_tracking_number', 'trackingNo must be 4-40 of A-Z a-z 0-9 -');
  }
}

function evidence(c: Fields, maxItems = EVIDENCE_MAX_ITEMS): void {
  const list = c.evidence;
  if (!Array.isArray(list)) bad('evidence must be a list of files');
  if (list.length > maxItems)
    throw new DeskError('too_many_files', `at most ${maxItems} files may be attached`);
  for (const e of list as unknown[]) {
    if (typeof e !== 'object' || e === null) bad('evidence item must be an object');
    const f = e as Fields;
    if (typeof f.sha256 !== 'string' || !SHA256_RE.test(f.sha256)) {
      bad('evidence sha256 must be 64 lowercase hex digits');
    }
    text(f, 'name', 200);
    text(f, 'mime', 100);
    const size = f.sizeBytes;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      bad('evidence sizeBytes must be a non-negative integer');
    }
    if (size > EVIDENCE_MAX_BYTES) bad('evidence file too large');
  }
}

function checkFields(c: Fields): void {
  if (typeof c.type !== 'string' || !COMMAND_TYPES.has(c.type)) bad('unknown command type');
  id(c, 'orderId');
  const command = c as unknown as EscrowCommand;
  switch (command.type) {
    case 'create_order': {
      id(c, 'merchantId');
      id(c, 'buyerId');
      currency(c);
      amount(c, 'amountFen');
      const bps = c.feeBps;
      if (typeof bps !== 'number' || !Number.isSafeInteger(bps) || bps < 0 || bps > 10_000) {
        bad('feeBps must be an integer from 0 to 10000');
      }
      oneOf(c, 'goodsKind', ['express', 'surface', 'virtual']);
      const item = c.item;
      if (typeof item !== 'object' || item === null) bad('item is required');
      text(item as Fields, 'title', 200);
      const q = (item as Fields).quantity;
      if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1 || q > QUANTITY_MAX) {
        bad(`item quantity must be an integer from 1 to ${QUANTITY_MAX}`);
      }
      // The HTTP route stores the parsed (trimmed) form; here any other path is held to it.
      if (c.recipient !== undefined) {
        const parsed = parseRecipient(c.recipient);
        const given = c.recipient as Record<string, unknown>;
        if (RECIPIENT_FIELDS.some((f) => parsed[f] !== given[f]))
          throw new DeskError('recipient_address_invalid', 'recipient must be in its parsed form');
      }
      return;
    }
    case 'confirm_payment':
      id(c, 'bank');
      text(c, 'bankRef', 100);
      currency(c);
      amount(c, 'amountFen');
      return;
    case 'ship':
      tracking(c);
      return;
    case 'confirm_receipt':
    case 'extend_receipt':
    case 'advance_timers':
      return;
    case 'request_refund':
      id(c, 'refundId');
      oneOf(c, 'kind', ['refund_only', 'return_and_refund']);
      amount(c, 'amountFen');
      text(c, 'reason');
      if (c.evidence !== undefined) evidence(c, REFUND_FILES_MAX);
      return;
    case 'agree_refund':
    case 'confirm_return':
    case 'cancel_refund':
    case 'escalate_refund':
      id(c, 'refundId');
      return;
    case 'refuse_refund':
      id(c, 'refundId');
      text(c, 'reason');
      if (c.evidence !== undefined) evidence(c, REFUND_FILES_MAX);
      return;
    case 'annotate_order':
      // May be empty (clearing it), bounded like other human text.
      if (typeof c.note !== 'string' || c.note.length > TEXT_MAX_CHARS)
        bad(`note must be text of at most ${TEXT_MAX_CHARS} characters`);
      if (c.flag !== null) oneOf(c, 'flag', ORDER_FLAGS);
      return;
    case 'ship_return':
      id(c, 'refundId');
      tracking(c);
      return;
    case 'resolve_escalation':
      id(c, 'refundId');
      oneOf(c, 'outcome', ['refund', 'close']);
      amount(c, 'amountFen', true);
      note(c, 'note');
      return;
    case 'file_claim':
      id(c, 'claimId');
      amount(c, 'amountFen');
      text(c, 'reason');
      evidence(c);
      return;
    case 'request_seller_evidence':
      id(c, 'claimId');
      return;
    case 'submit_seller_evidence':
    case 'provide_claim_info':
      id(c, 'claimId');
      note(c, 'note');
      evidence(c);
      return;
    case 'decide_claim':
      id(c, 'claimId');
      oneOf(c, 'decision', ['approve', 'reject', 'request_info']);
      amount(c, 'amountFen', true);
      text(c, 'reasonCode', 100);
      note(c, 'note');
      return;
    case 'second_approval':
      id(c, 'claimId');
      if (typeof c.approve !== 'boolean') bad('approve must be true or false');
      note(c, 'note');
      return;
  }
}

/** Null when the command is well formed; otherwise the first problem found, with its code. */
export function validateCommand(command: unknown): ErrorInfo | null {
  if (typeof command !== 'object' || command === null) {
    return { code: 'invalid_input', message: 'command must be an object' };
  }
  try {
    checkFields(command as Fields);
    return null;
  } catch (e) {
    if (e instanceof DeskError) return e.toJSON();
    throw e;
  }
}
