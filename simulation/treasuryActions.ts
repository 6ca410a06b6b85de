import { signNotification, SIGNATURE_HEADER } from '../server/bank/notificationSignature.ts';
import { signedBalance } from '../server/ledger/balances.ts';
import { ledgerStart, unmatchedMovements } from '../server/treasury/statements/importStatement.ts';
import { buildReconReport } from '../server/treasury/statements/reconReport.ts';
import { cstDate, cstDateStart } from '../server/treasury/treasuryPolicy.ts';
import { normalBalance } from '../shared/ledger/accounts.ts';
import { account } from '../shared/ledger/accounts.ts';
import { DAY_MS } from '../shared/time.ts';
import { camt053, closingOf } from '../test/treasury/statementFiles.ts';
import type { GeneratedLine } from '../test/treasury/statementFiles.ts';
import { FORGED_KEY, SIM_ICBC_KEY } from './bankNotifications.ts';
import type { Action } from './schedule.ts';
import { http, SimFailure } from './world.ts';
import type { World } from './world.ts';

/**
 * The treasury's actors (issue 16): the seller admin withdraws, finance sends payout batches and
 * imports statements, and the bank answers payouts (paid, failed, again, contradicting, forged,
 * stale). The model counts each payout out of the bank once; `checkReconciliation` holds every
 * imported statement's report to a zero difference.
 */
const token = (world: World, user: string) => world.server.tokens.get(user);

interface SimWithdrawal {
  withdrawalId: string;
  amountFen: number;
  status: string;
}

async function withdrawals(world: World): Promise<SimWithdrawal[]> {
  const r = await world.server.db.query<{
    withdrawal_id: string;
    amount_fen: number;
    status: string;
  }>('SELECT withdrawal_id, amount_fen, status FROM withdrawals ORDER BY withdrawal_id');
  return r.rows.map((w) => ({
    withdrawalId: w.withdrawal_id,
    amountFen: w.amount_fen,
    status: w.status,
  }));
}

export async function withdraw(
  world: World,
  a: Extract<Action, { kind: 'withdraw' }>,
): Promise<string> {
  const admin = token(world, 'admin1');
  const accounts = await world.server.db.query(
    'SELECT 1 FROM payout_accounts WHERE merchant_id = $1',
    ['m1'],
  );
  if (accounts.rowCount === 0) {
    const r = await http(world, {
      method: 'POST',
      url: '/v1/treasury/payout-account',
      token: admin,
      body: JSON.stringify({
        accountName: 'Tea House',
        bankName: 'ICBC',
        accountNo: '6222021234567890',
      }),
    });
    if (r.status !== 201) throw new SimFailure('payout_account', `answered ${r.status} ${r.code}`);
  }
  const available = normalBalance(
    account.merchantAvailable('m1'),
    await signedBalance(world.server.db, account.merchantAvailable('m1'), 'CNY'),
  );
  const amountFen = Math.max(1_000, Math.floor(available * (0.05 + 0.5 * a.pick)));
  const req = {
    method: 'POST' as const,
    url: '/v1/treasury/withdrawals',
    token: admin,
    body: JSON.stringify({ requestKey: world.uuid(), amountFen }),
  };
  const first = await http(world, req);
  if (a.dup) {
    const again = await http(world, req);
    const firstId = (first.body as { withdrawal?: { withdrawalId?: string } }).withdrawal
      ?.withdrawalId;
    const againId = (again.body as { withdrawal?: { withdrawalId?: string } }).withdrawal
      ?.withdrawalId;
    if (first.status === 201 && (again.status !== 200 || againId !== firstId))
      throw new SimFailure(
        'withdrawal_once',
        `a repeated request answered ${again.status} ${againId}`,
      );
  }
  return `withdraw ${amountFen} of ${available}: ${first.status}${first.code ? ` ${first.code}` : ''}`;
}

export async function payoutBatch(world: World): Promise<string> {
  const r = await http(world, {
    method: 'POST',
    url: '/v1/treasury/payout-batches',
    token: token(world, 'finance1'),
    body: '{}',
  });
  const batch = (r.body as { batch?: { itemCount: number } | null }).batch;
  return `batch ${r.status} ${batch ? batch.itemCount : 0}`;
}

export async function payoutResult(
  world: World,
  a: Extract<Action, { kind: 'payout_result' }>,
): Promise<string> {
  const now = world.server.clock.now();
  const post = (body: string, at = now, key = SIM_ICBC_KEY) =>
    http(world, {
      method: 'POST',
      url: '/v1/bank/payout-results',
      headers: { [SIGNATURE_HEADER]: signNotification(key, body, at) },
      body,
    });
  if (a.variant === 'duplicate') {
    const body = world.treasury.sentResults[Math.floor(a.pick * world.treasury.sentResults.length)];
    if (!body) return 'nothing to repeat';
    const r = await post(body);
    const ans = r.body as { duplicate?: boolean; applied?: boolean };
    if (r.status === 200 && (!ans.duplicate || ans.applied))
      throw new SimFailure(
        'payout_once',
        `a repeated result was applied again: ${JSON.stringify(ans)}`,
      );
    return `repeat ${r.status}`;
  }
  const all = await withdrawals(world);
  const pool =
    a.variant === 'contradict'
      ? all.filter((w) => w.status === 'paid' || w.status === 'failed')
      : all.filter((w) => w.status === 'sent');
  const w = pool[Math.floor(a.pick * pool.length)];
  if (!w) return 'no payout to answer';
  const outcome =
    a.variant === 'contradict'
      ? w.status === 'paid'
        ? 'failed'
        : 'paid'
      : a.variant === 'failed'
        ? 'failed'
        : 'paid';
  const body = JSON.stringify({
    resultId: `pr-${world.uuid()}`,
    bank: 'icbc',
    withdrawalId: w.withdrawalId,
    outcome,
    bankRef: `ICBC-PO-${w.withdrawalId}`,
    currency: 'CNY',
    amountFen: w.amountFen,
    ...(outcome === 'failed' ? { reason: 'account closed' } : {}),
  });
  if (a.variant === 'forged' || a.variant === 'stale') {
    const r =
      a.variant === 'forged'
        ? await post(body, now, FORGED_KEY)
        : await post(body, now - 6 * 60_000);
    if (r.status !== 401)
      throw new SimFailure('bank_signature', `${a.variant} result answered ${r.status}`);
    return `${a.variant} 401`;
  }
  const r = await post(body);
  if (a.variant === 'contradict') {
    if (r.code !== 'withdrawal_already_settled')
      throw new SimFailure('payout_once', `a contradicting result answered ${r.status} ${r.code}`);
    return 'contradict refused';
  }
  const ans = r.body as { applied?: boolean };
  if (r.status === 200 && ans.applied) {
    if (world.treasury.settled.has(w.withdrawalId))
      throw new SimFailure('payout_once', `withdrawal ${w.withdrawalId} settled twice`);
    world.treasury.settled.set(w.withdrawalId, outcome);
    if (outcome === 'paid') world.treasury.paidOutFen += w.amountFen;
    world.treasury.sentResults.push(body);
  }
  return `${outcome} ${w.withdrawalId} ${r.status}${r.code ? ` ${r.code}` : ''}`;
}

export async function importStatement(
  world: World,
  a: Extract<Action, { kind: 'statement' }>,
): Promise<string> {
  const db = world.server.db;
  const post = (file: string) =>
    http(world, {
      method: 'POST',
      url: '/v1/treasury/statements?bank=icbc',
      token: token(world, 'finance1'),
      headers: { 'content-type': 'application/xml' },
      body: file,
    });
  const last = world.treasury.statements.at(-1);
  const date = cstDate(world.server.clock.now() - DAY_MS);
  if (last && (a.variant === 'reimport' || last.date >= date)) {
    const r = await post(last.file);
    const s = (r.body as { statement?: { duplicate?: boolean; statementId?: string } }).statement;
    if (r.status !== 200 || !s?.duplicate || s.statementId !== last.statementId)
      throw new SimFailure(
        'statement_once',
        `a re-imported statement answered ${r.status} ${r.code}`,
      );
    return `reimport ${last.date}: duplicate`;
  }
  if (last && last.date >= date) return 'no new day';
  const cutOff = cstDateStart(date) + DAY_MS - 1;
  const from = await ledgerStart(db, 'icbc', date);
  const moves = (await unmatchedMovements(db, 'icbc', cutOff, from)).sort(
    (x, y) => x.at - y.at || (x.txnId < y.txnId ? -1 : 1),
  );
  let lines: GeneratedLine[] = moves.map((m) => ({
    bookedAt: m.at,
    amountFen: m.amountFen,
    bankRef: m.bankRef,
  }));
  const credit =
    lines.filter((l) => l.amountFen > 0)[Math.floor(a.pick * lines.length)] ?? lines[0];
  if (a.variant === 'duplicate_line' && credit) lines.push({ ...credit });
  if (a.variant === 'reversal' && credit)
    lines.push({ ...credit, amountFen: -credit.amountFen, reversal: true });
  if (a.variant === 'unknown_line')
    lines.push({ bookedAt: cutOff - 1, amountFen: 777, bankRef: `SIM-UNKNOWN-${world.uuid()}` });
  if (a.variant === 'omit_one' && lines.length > 0)
    lines = lines.filter((_, i) => i !== Math.floor(a.pick * lines.length));
  const openingFen = last
    ? last.closingFen
    : normalBalance(
        account.bank('icbc'),
        Number(
          (
            await db.query<{ v: number }>(
              `SELECT coalesce(sum(e.amount_fen), 0)::bigint AS v FROM ledger_entries e
                 JOIN ledger_transactions t ON t.txn_id = e.txn_id
                WHERE e.account = $1 AND t.at < $2`,
              [account.bank('icbc'), from],
            )
          ).rows[0]?.v ?? 0,
        ),
      );
  const statement = { statementRef: `SIM-ICBC-${date}`, date, openingFen, lines };
  const file = camt053(statement);
  const r = await post(file);
  const s = (r.body as { statement?: { statementId: string; exceptions: number } }).statement;
  if (r.status !== 201 || !s)
    throw new SimFailure('statement_import', `answered ${r.status} ${r.code}`);
  world.treasury.statements.push({
    date,
    file,
    closingFen: closingOf(statement),
    statementId: s.statementId,
  });
  return `statement ${date} ${a.variant}: ${lines.length} lines, ${s.exceptions} exceptions`;
}

/**
 * Reconciliation: every statement imported so far still reconciles (closing = brought forward +
 * ledger at the cut-off − in transit + bank-ahead + open differences), whatever moved since.
 */
export async function checkReconciliation(world: World): Promise<void> {
  for (const s of world.treasury.statements) {
    const r = await buildReconReport(world.server.db, s.statementId, world.server.clock.now());
    if (r.differenceFen !== 0)
      throw new SimFailure(
        'statement_reconciles',
        `${s.date}: closing ${r.statementClosingFen}, expected ${r.expectedClosingFen}`,
      );
  }
}
