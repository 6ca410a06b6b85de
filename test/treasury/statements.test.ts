import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/time.ts';
import { unmatchedMovements } from '../../server/treasury/statements/importStatement.ts';
import { cstDateStart } from '../../server/treasury/treasuryPolicy.ts';
import {
  assertLedgerOk,
  bankNotification,
  completedOrder,
  createOrder,
} from '../server/escrowSteps.ts';
import { startTestServer } from '../server/testServer.ts';
import type { HttpResult, PersonName, TestServer } from '../server/testServer.ts';
import { bankCsv, camt053, closingOf } from './statementFiles.ts';
import type { GeneratedLine, GeneratedStatement } from './statementFiles.ts';
import { activePayoutAccount, payoutResult, sendBatch, withdraw } from './treasurySteps.ts';

/**
 * Generated statements, one a day, each reconciling or producing exactly the expected
 * exceptions (issue 16): a clean day, a duplicate credit, a missing notification (and a
 * notification the bank never settles), a reversal, an amount mismatch, a payout that fails and
 * is retried, and a statement imported twice. After each: the report reconciles and the
 * ledger verifies.
 */
describe('statement import, matching and reconciliation', () => {
  let t: TestServer;
  let day = '2026-03-01';
  let opening = 0;
  let refSeq = 0;
  before(async () => {
    t = await startTestServer('treasury_st', { sessionTtlMs: 60 * DAY_MS });
  });
  after(() => t.close());

  const nextDay = () => {
    const start = cstDateStart(day) + DAY_MS;
    day = new Date(start + 8 * HOUR_MS).toISOString().slice(0, 10);
    t.clock.set(start + 10 * HOUR_MS);
  };
  const cutOff = () => cstDateStart(day) + DAY_MS - 1;

  async function postStatement(
    body: Buffer,
    type: string,
    who: PersonName = 'finance1',
  ): Promise<HttpResult> {
    const r = await fetch(`${t.url}/v1/treasury/statements?bank=icbc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token(who)}`, 'content-type': type },
      body: new Uint8Array(body),
    });
    return { status: r.status, body: await r.json() };
  }

  /** Today's statement: every unmatched ledger movement of the day, changed as the case asks. */
  async function statementOfDay(
    change: (lines: GeneratedLine[]) => GeneratedLine[] = (l) => l,
    omit: ReadonlySet<string> = new Set(),
  ): Promise<GeneratedStatement> {
    const moves = await unmatchedMovements(t.db, 'icbc', cutOff());
    const lines = moves
      .filter(
        (m) =>
          m.at >= cstDateStart(day) - (day === '2026-03-01' ? DAY_MS : 0) && !omit.has(m.txnId),
      )
      .sort((a, b) => a.at - b.at)
      .map((m) => ({
        bookedAt: m.at,
        amountFen: m.amountFen,
        bankRef: m.bankRef,
        description: m.txnId,
      }));
    return {
      statementRef: `ICBC-STMT-${day}`,
      date: day,
      openingFen: opening,
      lines: change(lines),
    };
  }

  async function importAndReport(
    s: GeneratedStatement,
    format: 'camt053' | 'csv' = 'camt053',
  ): Promise<{
    statementId: string;
    exceptions: { kind: string; differenceFen: number; exceptionId: string }[];
    report: {
      reconciled: boolean;
      differenceFen: number;
      inTransitFen: number;
      reconcilingFen: number;
    };
  }> {
    const r =
      format === 'camt053'
        ? await postStatement(Buffer.from(camt053(s)), 'application/xml')
        : await postStatement(bankCsv(s), 'text/csv');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    opening = closingOf(s);
    const statementId = r.body.statement.statementId as string;
    const ex = await t.get(`/v1/treasury/exceptions?statementId=${statementId}`, 'finance1');
    const rep = await t.get(`/v1/treasury/statements/${statementId}/report`, 'finance1');
    assert.equal(rep.status, 200, JSON.stringify(rep.body));
    assert.equal(rep.body.report.differenceFen, 0, JSON.stringify(rep.body.report));
    assert.equal(rep.body.report.reconciled, true);
    await assertLedgerOk(t);
    return { statementId, exceptions: ex.body.exceptions, report: rep.body.report };
  }

  async function pay(amountFen: number): Promise<{ orderId: string; bankRef: string }> {
    const orderId = await createOrder(t, { amountFen });
    const bankRef = `ICBC-PAY-${++refSeq}`;
    const r = await bankNotification(t, { orderId, amountFen, bankRef });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { orderId, bankRef };
  }

  it('a clean day reconciles with no exceptions (CSV 对账单 in GBK)', async () => {
    await pay(12_000);
    await pay(8_800);
    await completedOrder(t, { amountFen: 300_000 });
    const s = await statementOfDay();
    assert.ok(s.lines.length >= 5, 'funding, deposit and three payments');
    const { exceptions, report } = await importAndReport(s, 'csv');
    assert.deepEqual(exceptions, []);
    assert.equal(report.inTransitFen, 0);
  });

  it('only finance imports statements and reads the queue', async () => {
    const s = await statementOfDay();
    const r = await postStatement(Buffer.from(camt053(s)), 'application/xml', 'agent1');
    assert.equal(r.status, 403);
    assert.equal((await t.get('/v1/treasury/exceptions', 'admin1')).status, 403);
    const bad = await postStatement(
      Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'),
      'application/xml',
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'statement_invalid');
    const unbalanced = camt053({ ...s, statementRef: 'X-1', closingFen: closingOf(s) + 1 });
    const refused = await postStatement(Buffer.from(unbalanced), 'application/xml');
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /not the closing/);
  });

  it('a duplicate credit is one exception, adjusted through maker-checker', async () => {
    nextDay();
    const a = await pay(5_000);
    await pay(7_000);
    const s = await statementOfDay((lines) => {
      const dup = lines.find((l) => l.bankRef === a.bankRef);
      assert.ok(dup);
      return [...lines, { ...dup, bookedAt: dup.bookedAt + MINUTE_MS }];
    });
    const { exceptions, report } = await importAndReport(s);
    assert.deepEqual(
      exceptions.map((e) => [e.kind, e.differenceFen]),
      [['duplicate', 5_000]],
    );
    assert.equal(report.reconcilingFen, 5_000);
    const id = exceptions[0]?.exceptionId ?? '';

    const proposed = await t.post(
      `/v1/treasury/exceptions/${id}/adjustment`,
      { reason: '银行重复入账，待退回付款人' },
      'finance1',
    );
    assert.equal(proposed.status, 200, JSON.stringify(proposed.body));
    assert.equal(proposed.body.exception.status, 'adjusting');
    const self = await t.post(
      `/v1/treasury/exceptions/${id}/adjustment/decision`,
      { approve: true, note: '' },
      'finance1',
    );
    assert.equal(self.status, 409);
    assert.equal(self.body.error.code, 'second_approver_must_differ');
    const checked = await t.post(
      `/v1/treasury/exceptions/${id}/adjustment/decision`,
      { approve: true, note: 'ok' },
      'finance2',
    );
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    assert.equal(checked.body.exception.status, 'resolved');
    assert.equal(checked.body.exception.resolution, 'adjusted');
    const again = await t.post(
      `/v1/treasury/exceptions/${id}/adjustment/decision`,
      { approve: true, note: '' },
      'finance2',
    );
    assert.equal(again.status, 409, 'an adjustment posts once');
    const audit = await t.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM treasury_audit WHERE subject = $1 ORDER BY seq`,
      [`exception:${id}`],
    );
    assert.deepEqual(
      audit.rows.map((r) => [r.action, r.actor]),
      [
        ['adjustment_proposed', 'u-finance1'],
        ['adjustment_approved', 'u-finance2'],
      ],
    );
    await assertLedgerOk(t);
  });

  let lateTxn = '';
  it('a missing notification is a line the ledger does not know; a late one is in transit, not an exception', async () => {
    nextDay();
    await pay(3_000);
    const late = await pay(4_400);
    const moves = await unmatchedMovements(t.db, 'icbc', cutOff());
    lateTxn = moves.find((m) => m.bankRef === late.bankRef)?.txnId ?? '';
    const s = await statementOfDay(
      (lines) => [
        ...lines,
        {
          bookedAt: t.clock.now(),
          amountFen: 6_600,
          bankRef: 'ICBC-NO-NOTICE-1',
          description: '买家付款',
        },
      ],
      new Set([lateTxn]),
    );
    const { exceptions, report } = await importAndReport(s);
    assert.deepEqual(
      exceptions.map((e) => [e.kind, e.differenceFen]),
      [['unknown_line', 6_600]],
    );
    assert.equal(report.inTransitFen, 4_400);
    const explained = await t.post(
      `/v1/treasury/exceptions/${exceptions[0]?.exceptionId}/explain`,
      { note: '通知丢失，已请银行补发' },
      'finance1',
    );
    assert.equal(explained.status, 200);
    assert.equal(explained.body.exception.resolution, 'explained');
  });

  it('a reversal, and a notification the bank never settled, are one exception each', async () => {
    nextDay();
    const p = await pay(9_100);
    const s = await statementOfDay(
      (lines) => {
        const orig = lines.find((l) => l.bankRef === p.bankRef);
        assert.ok(orig);
        return [
          ...lines,
          {
            ...orig,
            amountFen: -orig.amountFen,
            reversal: true,
            bookedAt: orig.bookedAt + HOUR_MS,
            description: '冲正',
          },
        ];
      },
      new Set([lateTxn]),
    );
    const { exceptions } = await importAndReport(s);
    assert.deepEqual(exceptions.map((e) => [e.kind, e.differenceFen]).sort(), [
      ['reversal', -9_100],
      ['unsettled', -4_400],
    ]);
  });

  it('an amount mismatch is matched and queued with its difference', async () => {
    nextDay();
    const p = await pay(10_000);
    const s = await statementOfDay((lines) =>
      lines.map((l) => (l.bankRef === p.bankRef ? { ...l, amountFen: 9_990 } : l)),
    );
    const { exceptions, report } = await importAndReport(s, 'csv');
    assert.deepEqual(
      exceptions.map((e) => [e.kind, e.differenceFen]),
      [['amount_mismatch', -10]],
    );
    assert.ok(report.reconcilingFen !== 0);
  });

  it('a payout that fails and is retried reconciles with no exception', async () => {
    nextDay();
    await activePayoutAccount(t, 'admin1');
    day = new Date(t.clock.now() + 8 * HOUR_MS).toISOString().slice(0, 10);
    const first = await withdraw(t, 50_000);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await sendBatch(t);
    const failed = await payoutResult(t, {
      withdrawalId: first.body.withdrawal.withdrawalId,
      amountFen: 50_000,
      outcome: 'failed',
      bankRef: 'ICBC-PO-FAIL-1',
      reason: '收款账户已销户',
    });
    assert.equal(failed.status, 200, JSON.stringify(failed.body));
    const retry = await withdraw(t, 50_000);
    assert.equal(retry.status, 201);
    await sendBatch(t);
    const paid = await payoutResult(t, {
      withdrawalId: retry.body.withdrawal.withdrawalId,
      amountFen: 50_000,
      outcome: 'paid',
      bankRef: 'ICBC-PO-OK-2',
    });
    assert.equal(paid.status, 200);
    const s = await statementOfDay((lines) => [
      {
        bookedAt: t.clock.now(),
        amountFen: -50_000,
        bankRef: 'ICBC-PO-FAIL-1',
        description: '代发工资',
      },
      {
        bookedAt: t.clock.now(),
        amountFen: 50_000,
        bankRef: 'ICBC-PO-FAIL-1',
        reversal: true,
        description: '退汇',
      },
      ...lines,
    ]);
    assert.ok(s.lines.some((l) => l.bankRef === 'ICBC-PO-OK-2' && l.amountFen === -50_000));
    const { exceptions } = await importAndReport(s);
    assert.deepEqual(
      exceptions.map((e) => e.kind),
      ['unsettled'].filter(() => false),
    );
  });

  it('a statement imported twice is matched once; another file under its reference is refused', async () => {
    nextDay();
    await pay(2_500);
    const s = await statementOfDay((lines) => [
      ...lines,
      { bookedAt: t.clock.now(), amountFen: 1_234, bankRef: 'ICBC-NO-NOTICE-2' },
    ]);
    const file = Buffer.from(camt053(s));
    const { statementId, exceptions } = await importAndReport(s);
    assert.equal(exceptions.length, 1);
    const again = await postStatement(file, 'application/xml');
    assert.equal(again.status, 200);
    assert.equal(again.body.statement.duplicate, true);
    assert.equal(again.body.statement.statementId, statementId);
    const all = await t.get(`/v1/treasury/exceptions?statementId=${statementId}`, 'finance1');
    assert.equal(all.body.exceptions.length, 1, 'nothing queued twice');
    const changed = await postStatement(
      Buffer.from(
        camt053({
          ...s,
          lines: s.lines.slice(1),
          openingFen: s.openingFen + (s.lines[0]?.amountFen ?? 0),
        }),
      ),
      'application/xml',
    );
    assert.equal(changed.status, 409);
    assert.equal(changed.body.error.code, 'statement_conflict');

    const pdf = await fetch(
      `${t.url}/v1/treasury/statements/${statementId}/report?format=pdf&lang=en`,
      {
        headers: { authorization: `Bearer ${await t.token('finance1')}` },
      },
    );
    assert.equal(pdf.status, 200);
    assert.equal(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const csv = await t.get(
      `/v1/treasury/statements/${statementId}/report?format=csv&lang=zh`,
      'finance1',
    );
    assert.match(String(csv.body), /银行对账报告/);
    assert.match(String(csv.body), /已平衡/);
    assert.match(String(csv.body), /核对所依据的账簿链头,#\d+ [0-9a-f]{64}/);
    const overview = await t.get('/v1/treasury/overview', 'finance1');
    assert.equal(overview.status, 200);
    assert.equal(overview.body.statements.length, 7);
  });
});
