import type { MethodName, MethodOutput } from '../../../shared/contract/types.ts';
import { fail, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/escrow/types.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';
import type { Db } from '../store/openDatabase.ts';
import { createWithdrawalOutbox } from './withdrawalOutbox.ts';
import type { OutboxRow, ServerWithdrawal } from './withdrawalOutbox.ts';

/**
 * The treasury's desk calls (issue 16), answered by the central API (`/v1/treasury/*`) with the
 * signed-in user's token. Withdrawals go through the desk's withdrawal outbox so they queue
 * offline; everything else needs the server. Roles are checked here for a clear answer and
 * again by the server, which is the gate.
 */
export type TreasuryMethod = Extract<MethodName, `treasury.${string}`>;
type Withdrawal = MethodOutput<'treasury.withdrawals'>['withdrawals'][number];

const FINANCE_ONLY: readonly TreasuryMethod[] = [
  'treasury.overview',
  'treasury.exceptions',
  'treasury.explainException',
  'treasury.proposeAdjustment',
  'treasury.decideAdjustment',
  'treasury.report',
  'treasury.importStatement',
];

const fromServer = (w: ServerWithdrawal): Withdrawal => ({
  requestKey: w.requestKey,
  withdrawalId: w.withdrawalId,
  amountFen: w.amountFen,
  status: w.status,
  requestedAt: w.requestedAt,
  failureReason: w.failureReason,
  errorCode: null,
  bankRef: w.bankRef,
  settledAt: w.settledAt,
});

const fromOutbox = (r: OutboxRow): Withdrawal => ({
  requestKey: r.request_key,
  withdrawalId: r.withdrawal_id,
  amountFen: r.amount_fen,
  status: r.state === 'refused' ? 'refused' : 'queued',
  requestedAt: r.queued_at,
  failureReason: r.error_message,
  errorCode: r.error_code,
  bankRef: null,
  settledAt: null,
});

export function createTreasuryCalls({
  client,
  db,
  onQueueChanged,
}: {
  client: ServerClient;
  db: Db;
  /** The withdrawal outbox changed (queued, sent, refused): the pending count is told again. */
  onQueueChanged?: () => void;
}) {
  const outbox = createWithdrawalOutbox(db, client, onQueueChanged);
  const json = (method: 'GET' | 'POST', path: string, body?: unknown) =>
    asResult(() => client.json({ method, path, ...(body === undefined ? {} : { body }) }));
  const x = (id: string) => `/v1/treasury/exceptions/${encodeURIComponent(id)}`;

  async function call(
    method: TreasuryMethod,
    input: unknown,
    user: Actor,
    nowMs: number,
  ): Promise<Result<unknown>> {
    const isSeller = user.role === 'seller_staff' || user.role === 'seller_admin';
    if (FINANCE_ONLY.includes(method) && user.role !== 'finance')
      return fail('forbidden', 'this is for finance staff');
    const i = input as Record<string, unknown>;
    switch (method) {
      case 'treasury.payoutAccounts':
        if (!isSeller) return fail('forbidden', 'only the merchant’s staff');
        return json('GET', '/v1/treasury/payout-account');
      case 'treasury.setPayoutAccount':
        if (user.role !== 'seller_admin') return fail('forbidden', 'only a seller admin');
        return json('POST', '/v1/treasury/payout-account', i);
      case 'treasury.withdraw': {
        if (user.role !== 'seller_admin') return fail('forbidden', 'only a seller admin');
        const sent = await outbox.withdraw(String(i.requestKey), Number(i.amountFen), nowMs);
        if (sent === 'offline') {
          const row = outbox.local().find((r) => r.request_key === i.requestKey);
          return row ? ok({ withdrawal: fromOutbox(row) }) : fail('internal', 'queued row missing');
        }
        return sent.ok ? ok({ withdrawal: fromServer(sent.value) }) : sent;
      }
      case 'treasury.withdrawals': {
        if (!isSeller) return fail('forbidden', 'only the merchant’s staff');
        if (user.role === 'seller_admin') await outbox.flush();
        const r = await json('GET', '/v1/treasury/withdrawals');
        const local = outbox.local().map(fromOutbox);
        if (!r.ok && r.error.code !== 'unavailable') return r;
        const server = r.ok
          ? (r.value as { withdrawals: ServerWithdrawal[] }).withdrawals.map(fromServer)
          : [];
        const known = new Set(server.map((w) => w.requestKey));
        const withdrawals = [...local.filter((w) => !known.has(w.requestKey)), ...server].sort(
          (a, b) => b.requestedAt - a.requestedAt,
        );
        return ok({ withdrawals, offline: !r.ok });
      }
      case 'treasury.overview':
        return json('GET', '/v1/treasury/overview');
      case 'treasury.exceptions':
        return json(
          'GET',
          `/v1/treasury/exceptions${i.status ? `?status=${String(i.status)}` : ''}`,
        );
      case 'treasury.explainException':
        return json('POST', `${x(String(i.exceptionId))}/explain`, { note: i.note });
      case 'treasury.proposeAdjustment':
        return json('POST', `${x(String(i.exceptionId))}/adjustment`, { reason: i.reason });
      case 'treasury.decideAdjustment':
        return json('POST', `${x(String(i.exceptionId))}/adjustment/decision`, {
          approve: i.approve,
          note: i.note,
        });
      case 'treasury.report': {
        const id = encodeURIComponent(String(i.statementId));
        const r = await asResult(() =>
          client.bytes({
            method: 'GET',
            path: `/v1/treasury/statements/${id}/report?format=${String(i.format)}&lang=${String(i.lang)}`,
          }),
        );
        if (!r.ok) return r;
        return ok({
          fileName: `reconciliation-${String(i.statementId)}-${String(i.lang)}.${String(i.format)}`,
          base64: Buffer.from(r.value.data).toString('base64'),
        });
      }
      case 'treasury.importStatement':
        return asResult(() =>
          client.json({
            method: 'POST',
            path: `/v1/treasury/statements?bank=${encodeURIComponent(String(i.bank))}&format=${String(i.format)}`,
            file: {
              bytes: Buffer.from(String(i.base64), 'base64'),
              type: i.format === 'csv' ? 'text/csv' : 'application/xml',
            },
          }),
        );
      default:
        return fail('unknown_method', `${String(method)} is not a treasury call`);
    }
  }
  /** Sends withdrawals queued offline; each sync round that reaches the server calls it. */
  return Object.assign(call, { flushWithdrawals: () => outbox.flush() });
}
