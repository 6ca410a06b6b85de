import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { dayValueIn, dayValueStart, nextLocalDayStart } from '../../../shared/merchantTime.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { DateField } from '../../components/DateField.tsx';
import { downloadCsv } from '../../components/download.ts';
import { translatorFor } from '../../i18n/translate.ts';
import type { LedgerScope } from '../../stores/balanceStore.ts';
import { BalanceChart } from './BalanceChart.tsx';
import { MerchantTimeZone } from './MerchantTimeZone.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';

const KINDS = [
  'payment_confirmed',
  'escrow_release',
  'escrow_refund',
  'escrow_split',
  'compensation',
  'recovery',
  'merchant_deposit',
  'withdrawal',
  'payout',
  'payout_returned',
];

/** The merchant's money: figures, held vs released over time, and the ledger behind them. */
export function BalanceView() {
  const stores = useStores();
  const tr = useTr();
  const balance = stores.balance;
  const { figures, history, historyDays, filters, lines, total, statement, timeZone, error } =
    useStore(balance);
  // Days and times of the merchant's books are the merchant's, whatever this computer's zone.
  const merchantTr = useMemo(() => translatorFor(tr.locale, timeZone), [tr.locale, timeZone]);

  useEffect(() => {
    void balance.getState().load();
  }, [balance]);

  const cards: [string, number | undefined, string][] = [
    [tr.t('balance.held'), figures?.heldFen, 'held'],
    [tr.t('balance.available'), figures?.availableFen, 'available'],
    [tr.t('balance.deposit'), figures?.depositFen, 'deposit'],
    [tr.t('balance.recovered'), figures?.recoveredFen, 'recovered'],
  ];

  return (
    <section className="view view-scroll" aria-labelledby="balance-title">
      <header className="view-head">
        <h1 id="balance-title">{tr.t('balance.title')}</h1>
      </header>
      <MerchantTimeZone />
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} />
        </div>
      ) : null}
      <div className="cards">
        {cards.map(([label, fen, id]) => (
          <div className="card" key={id} data-testid={`figure-${id}`}>
            <div className="card-label">{label}</div>
            <div className="card-value num">{fen === undefined ? '…' : tr.money(fen)}</div>
          </div>
        ))}
      </div>
      <h2>{tr.t('balance.chart', { days: historyDays })}</h2>
      <BalanceChart
        points={history}
        tr={merchantTr}
        title={tr.t('balance.chart', { days: historyDays })}
      />
      <h2>{tr.t('balance.ledger')}</h2>
      <div className="filters">
        <label className="field">
          <span>{tr.t('balance.scope')}</span>
          <select
            value={filters.scope}
            onChange={(e) =>
              void balance.getState().setFilters({ scope: e.target.value as LedgerScope })
            }
          >
            <option value="merchant">{tr.t('balance.scope.merchant')}</option>
            <option value="escrow">{tr.t('balance.scope.escrow')}</option>
          </select>
        </label>
        <label className="field">
          <span>{tr.t('balance.kind')}</span>
          <select
            value={filters.kind ?? ''}
            onChange={(e) => void balance.getState().setFilters({ kind: e.target.value || null })}
          >
            <option value="">{tr.t('balance.allKinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {tr.dyn(`kind.${k}`, k)}
              </option>
            ))}
          </select>
        </label>
        <DateField
          label={tr.t('balance.from')}
          value={dayValueIn(filters.fromMs, timeZone)}
          onChange={(v) =>
            void balance.getState().setFilters({ fromMs: dayValueStart(v, timeZone) })
          }
        />
        <DateField
          label={tr.t('balance.to')}
          value={dayValueIn(filters.toMs === null ? null : filters.toMs - 1, timeZone)}
          onChange={(v) => {
            const start = dayValueStart(v, timeZone);
            void balance
              .getState()
              .setFilters({ toMs: start === null ? null : nextLocalDayStart(start, timeZone) });
          }}
        />
        <span className="muted">{tr.t('balance.lines', { count: total })}</span>
        <button
          type="button"
          className="secondary"
          data-testid="export-csv"
          onClick={async () => {
            const csv = await balance.getState().exportCsv(tr);
            // A refusal is shown as the view's error (with its human message) instead.
            if (csv !== null)
              downloadCsv(
                `ledger-${filters.scope}-${new Date().toISOString().slice(0, 10)}.csv`,
                csv,
              );
          }}
        >
          {tr.t('balance.export')}
        </button>
      </div>
      <table className="table" data-testid="statement-table">
        <caption className="muted">{tr.t('balance.statement', { zone: timeZone })}</caption>
        <thead>
          <tr>
            <th scope="col">{tr.t('detail.account')}</th>
            <th scope="col" className="num">
              {tr.t('balance.opening')}
            </th>
            <th scope="col" className="num">
              {tr.t('balance.movement')}
            </th>
            <th scope="col" className="num">
              {tr.t('balance.closing')}
            </th>
          </tr>
        </thead>
        <tbody>
          {statement.map((a) => (
            <tr key={`${a.account}|${a.currency}`} data-account={a.account}>
              <td className="mono">{a.account}</td>
              {/* The screen sign, as for the lines below: what the merchant is owed is +. */}
              <td className="num" data-testid="statement-opening">
                {tr.money(-a.openingFen, a.currency)}
              </td>
              <td className="num" data-testid="statement-movement">
                {tr.money(-a.movementFen, a.currency)}
              </td>
              <td className="num" data-testid="statement-closing">
                {tr.money(-a.closingFen, a.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table" data-testid="ledger-table">
        <thead>
          <tr>
            <th scope="col">{tr.t('detail.time')}</th>
            <th scope="col">{tr.t('detail.kind')}</th>
            <th scope="col">{tr.t('col.orderId')}</th>
            <th scope="col">{tr.t('detail.account')}</th>
            <th scope="col" className="num">
              {tr.t('detail.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.seq}-${l.account}`}>
              <td>{merchantTr.date(l.at)}</td>
              <td>{tr.dyn(`kind.${l.kind}`, l.kind)}</td>
              <td className="mono">{l.orderId ?? '—'}</td>
              <td className="mono">{l.account}</td>
              {/* Liabilities read positive when credited: what the merchant is owed grows. */}
              <td className={`num ${l.signedFen < 0 ? 'credit' : 'debit'}`}>
                {tr.money(-l.signedFen, l.currency)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length < total ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void balance.getState().loadMore()}
        >
          {tr.t('balance.more')}
        </button>
      ) : null}
    </section>
  );
}
