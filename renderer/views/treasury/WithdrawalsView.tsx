import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { uuidv7 } from '../../../shared/ids.ts';
import { parseYuan } from '../../../shared/money.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Withdrawal = MethodOutput<'treasury.withdrawals'>['withdrawals'][number];
type PayoutAccount = MethodOutput<'treasury.payoutAccounts'>['accounts'][number];

/**
 * The seller's payout account and withdrawals (提现). A seller_admin enters the account (in
 * force after the cooling-off period) and withdraws; staff see both, the number masked. A
 * withdrawal made offline shows as queued until the server has it; its request key is made once
 * per request, so pressing again after a lost answer never asks twice.
 */
export function WithdrawalsView() {
  const tr = useTr();
  const stores = useStores();
  const { desk } = stores;
  const user = useStore(stores.session, (s) => s.user);
  const isAdmin = user?.role === 'seller_admin';
  const [accounts, setAccounts] = useState<PayoutAccount[]>([]);
  const [withdrawals, setWithdrawals] = useState<Withdrawal[]>([]);
  const [offline, setOffline] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);

  const load = useCallback(
    () =>
      Promise.all([desk.treasury.payoutAccounts({}), desk.treasury.withdrawals({})]).then(
        ([a, w]) => {
          if (a.ok) setAccounts(a.value.accounts);
          if (w.ok) {
            setWithdrawals(w.value.withdrawals);
            setOffline(w.value.offline);
          }
          setError(!w.ok ? w.error : !a.ok && a.error.code !== 'unavailable' ? a.error : null);
        },
      ),
    [desk],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view" aria-labelledby="withdrawals-title" data-testid="withdrawals">
      <div className="view-head">
        <h1 id="withdrawals-title">{tr.t('treasury.withdrawals.title')}</h1>
      </div>
      <ErrorAlert error={error} />
      {offline ? (
        <p role="status" className="muted" data-testid="withdrawals-offline">
          {tr.t('treasury.withdrawals.offline')}
        </p>
      ) : null}
      <h2>{tr.t('treasury.account.title')}</h2>
      {accounts.length === 0 ? <p className="muted">{tr.t('treasury.account.none')}</p> : null}
      <ul data-testid="payout-accounts">
        {accounts.map((a) => (
          <li key={a.version} data-testid={`payout-account-${a.version}`}>
            {a.accountName} · {a.bankName} · <span className="mono">{a.accountNo}</span> ·{' '}
            <strong>{tr.t(`treasury.account.${a.state}`)}</strong>
            {a.state === 'cooling_off'
              ? ` · ${tr.t('treasury.account.effectiveAt', { at: tr.date(a.effectiveAt) })}`
              : ''}
          </li>
        ))}
      </ul>
      {isAdmin ? <PayoutAccountForm onDone={load} /> : null}
      {isAdmin ? <WithdrawForm onDone={load} /> : null}
      <h2>{tr.t('treasury.withdrawals.list')}</h2>
      {withdrawals.length === 0 ? (
        <p className="muted">{tr.t('treasury.withdrawals.empty')}</p>
      ) : null}
      <table className="table" data-testid="withdrawal-list">
        <thead>
          <tr>
            <th>{tr.t('treasury.withdrawals.requestedAt')}</th>
            <th>{tr.t('treasury.withdrawals.amount')}</th>
            <th>{tr.t('treasury.withdrawals.status')}</th>
            <th>{tr.t('treasury.withdrawals.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {withdrawals.map((w) => (
            <tr key={w.requestKey} data-testid="withdrawal-row" data-status={w.status}>
              <td>{tr.date(w.requestedAt)}</td>
              <td>{tr.money(w.amountFen)}</td>
              <td>{tr.t(`treasury.status.${w.status}`)}</td>
              <td>
                {w.status === 'refused' && w.errorCode
                  ? tr.error({ code: w.errorCode, message: w.failureReason ?? '' })
                  : (w.failureReason ?? w.bankRef ?? '')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PayoutAccountForm({ onDone }: { onDone(): Promise<void> }) {
  const tr = useTr();
  const { desk } = useStores();
  const [accountName, setName] = useState('');
  const [bankName, setBank] = useState('');
  const [accountNo, setNo] = useState('');
  const [message, setMessage] = useState<ErrorInfo | null>(null);
  return (
    <form
      className="card"
      data-testid="payout-account-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await desk.treasury.setPayoutAccount({ accountName, bankName, accountNo });
        setMessage(r.ok ? null : r.error);
        if (r.ok) {
          setNo('');
          await onDone();
        }
      }}
    >
      <h3>{tr.t('treasury.account.change')}</h3>
      <p className="muted">{tr.t('treasury.account.coolingOff')}</p>
      <label>
        {tr.t('treasury.account.name')}
        <input value={accountName} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label>
        {tr.t('treasury.account.bank')}
        <input value={bankName} onChange={(e) => setBank(e.target.value)} required />
      </label>
      <label>
        {tr.t('treasury.account.number')}
        <input
          value={accountNo}
          onChange={(e) => setNo(e.target.value)}
          inputMode="numeric"
          autoComplete="off"
          required
        />
      </label>
      <button type="submit">{tr.t('treasury.account.save')}</button>
      {message ? (
        <div role="alert" className="bad">
          <ErrorText error={message} />
        </div>
      ) : null}
    </form>
  );
}

function WithdrawForm({ onDone }: { onDone(): Promise<void> }) {
  const tr = useTr();
  const { desk } = useStores();
  const [amount, setAmount] = useState('');
  // One key per request: kept until the desk has an answer, so a second press re-asks the same.
  const [requestKey, setRequestKey] = useState(() => uuidv7());
  const [message, setMessage] = useState<ErrorInfo | null>(null);
  const [queued, setQueued] = useState(false);
  return (
    <form
      className="card"
      data-testid="withdraw-form"
      onSubmit={async (e) => {
        e.preventDefault();
        let amountFen: number;
        try {
          amountFen = parseYuan(amount);
        } catch {
          setMessage({ code: 'invalid_amount', message: amount });
          return;
        }
        const r = await desk.treasury.withdraw({ requestKey, amountFen });
        setMessage(r.ok ? null : r.error);
        setQueued(r.ok && r.value.withdrawal.status === 'queued');
        if (r.ok || r.error.code !== 'unavailable') {
          setRequestKey(uuidv7());
          if (r.ok) setAmount('');
        }
        await onDone();
      }}
    >
      <h3>{tr.t('treasury.withdraw.title')}</h3>
      <label>
        {tr.t('treasury.withdraw.amount')}
        <input
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          inputMode="decimal"
          data-testid="withdraw-amount"
          required
        />
      </label>
      <button type="submit" data-testid="withdraw-submit">
        {tr.t('treasury.withdraw.submit')}
      </button>
      {queued ? <p role="status">{tr.t('treasury.withdraw.queued')}</p> : null}
      {message ? (
        <div role="alert" className="bad" data-testid="withdraw-error">
          <ErrorText error={message} />
        </div>
      ) : null}
    </form>
  );
}
