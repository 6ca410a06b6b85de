import assert from 'node:assert/strict';
import { test } from 'node:test';
import iconv from 'iconv-lite';
import { parseStatement } from '../../server/treasury/statements/importStatement.ts';
import { matchStatement } from '../../server/treasury/statements/matchStatement.ts';
import { yuanToFen } from '../../server/treasury/statements/statementTypes.ts';
import { cstDateStart } from '../../server/treasury/treasuryPolicy.ts';
import { bankCsv, camt053 } from './statementFiles.ts';
import type { GeneratedStatement } from './statementFiles.ts';

const day = '2026-03-05';
const at = cstDateStart(day) + 9 * 3_600_000;
const sample: GeneratedStatement = {
  statementRef: 'ICBC-2026-03-05',
  date: day,
  openingFen: 1_000_000,
  lines: [
    { bookedAt: at, amountFen: 12_345, bankRef: 'ICBC1', description: '货款 & 运费' },
    { bookedAt: at + 60_000, amountFen: -5_000, bankRef: 'PO-1', description: '代发' },
    { bookedAt: at + 120_000, amountFen: -12_345, bankRef: 'ICBC1', reversal: true },
  ],
};

test('camt.053 and the CSV 对账单 (GBK and UTF-8) read to the same statement', () => {
  const xml = parseStatement(Buffer.from(camt053(sample)));
  const gbk = parseStatement(bankCsv(sample, 'gbk'));
  const utf8 = parseStatement(bankCsv(sample, 'utf8'));
  assert.equal(xml.format, 'camt053');
  assert.equal(gbk.format, 'csv');
  for (const s of [xml, gbk, utf8]) {
    assert.equal(s.statementRef, 'ICBC-2026-03-05');
    assert.equal(s.statementDate, day);
    assert.equal(s.openingFen, 1_000_000);
    assert.equal(s.closingFen, 995_000);
    assert.deepEqual(
      s.lines.map((l) => [l.bookedAt, l.amountFen, l.bankRef, l.reversal]),
      [
        [at, 12_345, 'ICBC1', false],
        [at + 60_000, -5_000, 'PO-1', false],
        [at + 120_000, -12_345, 'ICBC1', true],
      ],
    );
  }
  assert.equal(xml.lines[0]?.description, '货款 & 运费', 'XML entities are decoded');
  assert.match(gbk.lines[0]?.description ?? '', /货款/, 'GBK is decoded');
});

test('hostile or broken statements are refused with statement_invalid', () => {
  const refuse = (bytes: Buffer, why: RegExp) =>
    assert.throws(
      () => parseStatement(bytes),
      (e: { code?: string; message?: string }) =>
        e.code === 'statement_invalid' && why.test(e.message ?? ''),
    );
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Document>&lol2;</Document>`;
  refuse(Buffer.from(laughs), /DOCTYPE/);
  refuse(Buffer.from(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`), /well-formed|Stmt/);
  refuse(Buffer.from(camt053({ ...sample, closingFen: 1 })), /not the closing/);
  refuse(Buffer.from(camt053(sample).replace('123.45', '123.456')), /amount/);
  refuse(iconv.encode('日期,金额\r\n2026-03-05,1.00\r\n', 'gbk'), /header/);
});

test('amounts are read without floating point', () => {
  assert.equal(yuanToFen('1,234,567.89', 'x'), 123_456_789);
  assert.equal(yuanToFen('0.1', 'x'), 10);
  assert.equal(yuanToFen('-3', 'x'), -300);
  assert.throws(() => yuanToFen('1.005', 'x'));
  assert.throws(() => yuanToFen('1e3', 'x'));
});

test('matching: one exception per difference, older unmatched movements are unsettled', () => {
  const cutOffAt = cstDateStart(day) + 86_400_000 - 1;
  const r = matchStatement({
    lines: [
      { lineNo: 1, bookedAt: at, amountFen: 100, bankRef: 'A', reversal: false, description: '' },
      { lineNo: 2, bookedAt: at, amountFen: 100, bankRef: 'A', reversal: false, description: '' },
      { lineNo: 3, bookedAt: at, amountFen: 90, bankRef: 'B', reversal: false, description: '' },
      { lineNo: 4, bookedAt: at, amountFen: 70, bankRef: 'Z', reversal: false, description: '' },
      { lineNo: 5, bookedAt: at, amountFen: -100, bankRef: 'A', reversal: true, description: '' },
      { lineNo: 6, bookedAt: at, amountFen: -50, bankRef: 'F', reversal: false, description: '' },
      { lineNo: 7, bookedAt: at, amountFen: 50, bankRef: 'F', reversal: true, description: '' },
    ],
    expected: [
      { txnId: 'tA', at, amountFen: 100, bankRef: 'A' },
      { txnId: 'tB', at, amountFen: 95, bankRef: 'B' },
      { txnId: 'tOld', at: at - 3 * 86_400_000, amountFen: 40, bankRef: 'C' },
      { txnId: 'tNew', at, amountFen: 30, bankRef: 'D' },
    ],
    matchedBefore: new Map(),
    failedPayoutRefs: new Set(['F']),
    cutOffAt,
    settlementLagMs: 86_400_000,
    dateToleranceMs: 3 * 86_400_000,
  });
  assert.deepEqual(
    r.exceptions.map((e) => [e.kind, e.lineNo, e.statementFen - e.ledgerFen]),
    [
      ['duplicate', 2, 100],
      ['amount_mismatch', 3, -5],
      ['unknown_line', 4, 70],
      ['reversal', 5, -100],
      ['unsettled', null, -40],
    ],
  );
  assert.deepEqual(
    r.matches.map((m) => m.txnId),
    ['tA', 'tB'],
  );
  assert.deepEqual(
    r.outcomes.filter((o) => o.outcome === 'failed_payout').map((o) => o.lineNo),
    [6, 7],
  );
});
