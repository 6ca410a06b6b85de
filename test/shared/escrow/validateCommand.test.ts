import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCommand } from '../../../shared/escrow/validateCommand.ts';
import { ORDER_ID, SHIPPED_AT, buyer, rejection, sha, shipped } from './harness.ts';
import type { EscrowCommand } from '../../../shared/escrow/types.ts';

const code = (command: unknown) => validateCommand(command)?.code ?? null;
const good = { sha256: sha, name: 'a.png', sizeBytes: 10, mime: 'image/png' };
const claim = (over: Record<string, unknown>) => ({
  type: 'file_claim',
  orderId: ORDER_ID,
  claimId: 'c-1',
  amountFen: 100,
  reason: 'fraud',
  evidence: [good],
  ...over,
});

test('well-formed commands pass', () => {
  assert.equal(code(claim({})), null);
  assert.equal(code({ type: 'advance_timers', orderId: ORDER_ID }), null);
  assert.equal(
    code({
      type: 'resolve_escalation',
      orderId: ORDER_ID,
      refundId: 'r',
      outcome: 'close',
      note: '',
    }),
    null,
  );
});

test('anything that is not a command object is invalid input', () => {
  for (const v of [null, undefined, 42, 'ship', [], { orderId: ORDER_ID }]) {
    assert.equal(code(v), 'invalid_input', JSON.stringify(v));
  }
});

test('evidence must name real files: hash, name, size and type', () => {
  const bad: unknown[] = [
    'x',
    [null],
    [{ ...good, sha256: 'ABC' }],
    [{ ...good, sha256: sha.toUpperCase() }],
    [{ ...good, name: '' }],
    [{ ...good, mime: '' }],
    [{ ...good, sizeBytes: -1 }],
    [{ ...good, sizeBytes: 1.5 }],
  ];
  for (const evidence of bad) assert.equal(code(claim({ evidence })), 'invalid_input');
  // Too many files is its own code, so the desk can say how many are allowed.
  assert.equal(code(claim({ evidence: Array.from({ length: 21 }, () => good) })), 'too_many_files');
});

test('amounts are checked as fen, and optional amounts only when present', () => {
  assert.equal(code(claim({ amountFen: 0 })), 'invalid_amount');
  assert.equal(code(claim({ amountFen: '100' })), 'invalid_amount');
  assert.equal(code(claim({ amountFen: Number.NaN })), 'invalid_amount');
  assert.equal(code(claim({ amountFen: 2 ** 53 })), 'invalid_amount');
  assert.equal(code(claim({ amountFen: 10_000_000_001 })), 'amount_too_large');
  const decideCmd = {
    type: 'decide_claim',
    orderId: ORDER_ID,
    claimId: 'c',
    decision: 'approve',
    reasonCode: 'ok',
    note: '',
  };
  assert.equal(code(decideCmd), null);
  assert.equal(code({ ...decideCmd, amountFen: -5 }), 'invalid_amount');
  assert.equal(code({ ...decideCmd, decision: 'maybe' }), 'invalid_input');
  assert.equal(code({ ...decideCmd, reasonCode: '' }), 'invalid_input');
});

test('texts are required where a reason is needed and bounded everywhere', () => {
  assert.equal(code(claim({ reason: '   ' })), 'invalid_input');
  assert.equal(code(claim({ reason: 'x'.repeat(501) })), 'invalid_input');
  const note = { type: 'provide_claim_info', orderId: ORDER_ID, claimId: 'c', evidence: [] };
  assert.equal(code({ ...note, note: '' }), null);
  assert.equal(code({ ...note, note: 'x'.repeat(4001) }), 'invalid_input');
  assert.equal(code({ ...note, note: 7 }), 'invalid_input');
  assert.equal(
    code({ type: 'second_approval', orderId: ORDER_ID, claimId: 'c', approve: 'yes', note: '' }),
    'invalid_input',
  );
});

test('return tracking numbers are checked like shipping ones', () => {
  const cmd = { type: 'ship_return', orderId: ORDER_ID, refundId: 'r', carrier: 'EMS' };
  assert.equal(code({ ...cmd, trackingNo: 'EMS1234' }), null);
  assert.equal(code({ ...cmd, trackingNo: 'a b c d' }), 'invalid_tracking_number');
  assert.equal(code({ ...cmd, trackingNo: 'EMS1234', carrier: '' }), 'invalid_input');
});

test('a command for another order than the state given is refused', () => {
  const cmd: EscrowCommand = { type: 'confirm_receipt', orderId: 'o-2' };
  assert.equal(rejection(shipped(), cmd, buyer, SHIPPED_AT + 1), 'invalid_input');
});
