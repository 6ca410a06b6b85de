// Steps of the treasury story over HTTP, shared by the treasury tests.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { signNotification } from '../../server/bank/notificationSignature.ts';
import type { BankKey } from '../../server/bank/bankKeys.ts';
import { HOUR_MS } from '../../shared/time.ts';
import { ICBC_KEY } from '../server/testServer.ts';
import type { HttpResult, PersonName, TestServer } from '../server/testServer.ts';

/** admin1 (or another admin) enters a payout account and waits out the cooling-off period. */
export async function activePayoutAccount(
  t: TestServer,
  who: PersonName = 'admin1',
  accountNo = '6222 0212 3456 7890',
): Promise<void> {
  const r = await t.post(
    '/v1/treasury/payout-account',
    { accountName: '杭州茶庄有限公司', bankName: '中国工商银行杭州分行', accountNo },
    who,
  );
  assert.equal(r.status, 201, JSON.stringify(r.body));
  t.clock.advance(24 * HOUR_MS + 1);
}

export function withdraw(
  t: TestServer,
  amountFen: number,
  opts: { who?: PersonName; requestKey?: string } = {},
): Promise<HttpResult> {
  return t.post(
    '/v1/treasury/withdrawals',
    { requestKey: opts.requestKey ?? randomUUID(), amountFen },
    opts.who ?? 'admin1',
  );
}

export async function sendBatch(t: TestServer): Promise<HttpResult> {
  const r = await t.post('/v1/treasury/payout-batches', {}, 'finance1');
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  return r;
}

let resultSeq = 0;

export interface ResultFields {
  withdrawalId: string;
  amountFen: number;
  outcome: 'paid' | 'failed';
  resultId?: string;
  bankRef?: string;
  reason?: string;
}

export function payoutResultBody(r: ResultFields): string {
  return JSON.stringify({
    resultId: r.resultId ?? `pr-${++resultSeq}`,
    bank: 'icbc',
    withdrawalId: r.withdrawalId,
    outcome: r.outcome,
    bankRef: r.bankRef ?? `ICBC-PO-${r.withdrawalId}`,
    currency: 'CNY',
    amountFen: r.amountFen,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  });
}

export function signedPayoutResult(
  t: TestServer,
  rawBody: string,
  opts: { key?: BankKey; atMs?: number } = {},
): Promise<HttpResult> {
  const sig = signNotification(opts.key ?? ICBC_KEY, rawBody, opts.atMs ?? t.clock.now());
  return t.postRaw('/v1/bank/payout-results', rawBody, {
    'content-type': 'application/json',
    'x-bank-signature': sig,
  });
}

export function payoutResult(t: TestServer, r: ResultFields): Promise<HttpResult> {
  return signedPayoutResult(t, payoutResultBody(r));
}
