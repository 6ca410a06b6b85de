import { fail, ok } from '../../../shared/errors.ts';
import type { ErrorCode, Result } from '../../../shared/errors.ts';
import { ServerCallError } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';
import type { Db } from '../store/openDatabase.ts';

interface OutboxRow {
  request_key: string;
  amount_fen: number;
  queued_at: number;
  state: 'queued' | 'sent' | 'refused';
  withdrawal_id: string | null;
  error_code: string | null;
  error_message: string | null;
}

/** The server's withdrawal as `/v1/treasury/withdrawals` answers it. */
export interface ServerWithdrawal {
  withdrawalId: string;
  requestKey: string;
  amountFen: number;
  status: 'requested' | 'sent' | 'paid' | 'failed';
  requestedAt: number;
  bankRef: string | null;
  failureReason: string | null;
  settledAt: number | null;
}

/**
 * A seller_admin's withdrawals, queued on the desk before they are sent (table
 * `withdrawal_outbox`). Sending is at-least-once from here and exactly-once at the server, which
 * keys each request by its request key: a request whose answer was lost is sent again and
 * answered with the first withdrawal, never a second one. A lasting refusal (limits, balance)
 * is kept with its code for the user to see; a transient failure leaves the request queued.
 */
export function createWithdrawalOutbox(db: Db, client: ServerClient, onChanged = () => {}) {
  const rows = () =>
    db
      .prepare<[], OutboxRow>('SELECT * FROM withdrawal_outbox ORDER BY queued_at, request_key')
      .all();

  async function send(row: OutboxRow): Promise<Result<ServerWithdrawal> | 'offline'> {
    try {
      const answer = (await client.json({
        method: 'POST',
        path: '/v1/treasury/withdrawals',
        body: { requestKey: row.request_key, amountFen: row.amount_fen },
      })) as { withdrawal: ServerWithdrawal };
      db.prepare(
        `UPDATE withdrawal_outbox SET state = 'sent', withdrawal_id = ? WHERE request_key = ?`,
      ).run(answer.withdrawal.withdrawalId, row.request_key);
      onChanged();
      return ok(answer.withdrawal);
    } catch (err) {
      if (!(err instanceof ServerCallError)) throw err;
      if (err.transient) return 'offline';
      db.prepare(
        `UPDATE withdrawal_outbox SET state = 'refused', error_code = ?, error_message = ?
          WHERE request_key = ?`,
      ).run(err.code, err.message, row.request_key);
      onChanged();
      return fail(err.code, err.message);
    }
  }

  return {
    /** Queues a request (the same key twice is one request) and tries to send it now. */
    async withdraw(
      requestKey: string,
      amountFen: number,
      nowMs: number,
    ): Promise<Result<ServerWithdrawal> | 'offline'> {
      db.prepare(
        `INSERT INTO withdrawal_outbox (request_key, amount_fen, queued_at, state)
         VALUES (?, ?, ?, 'queued') ON CONFLICT DO NOTHING`,
      ).run(requestKey, amountFen, nowMs);
      onChanged();
      const row = rows().find((r) => r.request_key === requestKey);
      if (!row) return fail('internal', 'outbox row missing');
      if (row.amount_fen !== amountFen)
        return fail('idempotency_conflict', 'this request key asked for another amount');
      if (row.state === 'refused')
        return fail((row.error_code ?? 'internal') as ErrorCode, row.error_message ?? '');
      return send(row);
    },
    /** Sends what is still queued, oldest first; stops at the first sign of being offline. */
    async flush(): Promise<boolean> {
      for (const row of rows().filter((r) => r.state === 'queued'))
        if ((await send(row)) === 'offline') return false;
      return true;
    },
    /** Requests the server has not answered, or refused for good. */
    local(): OutboxRow[] {
      return rows().filter((r) => r.state !== 'sent');
    },
  };
}

export type WithdrawalOutbox = ReturnType<typeof createWithdrawalOutbox>;
export type { OutboxRow };
