import { useEffect, useState } from 'react';
import { dayValue } from '../../app/localDays.ts';
import { useNow, useStores, useTr } from '../../app/StoresContext.tsx';
import type { OrderRow } from '../../stores/orderListStore.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import type { Recipient } from '../../../shared/shipping/recipient.ts';
import { RecipientLines } from '../orders/RecipientLines.tsx';
import { printPage } from './printPage.ts';
import { PrintMessage } from './PrintMessage.tsx';

/**
 * Packing slips for the selected orders, one per printed page (A4); the print stylesheet hides
 * everything but these sheets. A slip names the shop (its sender address) and the recipient as
 * this user may see them, and never the price: it travels in the parcel.
 */
export function PackingSlips(props: { rows: OrderRow[]; onBack(): void }) {
  const tr = useTr();
  const { desk } = useStores();
  const printedAt = useNow();
  const [message, setMessage] = useState<{ text: string; error?: ErrorInfo } | null>(null);
  const [sender, setSender] = useState<Recipient | null>(null);
  useEffect(() => {
    void desk.merchant.addresses({}).then((r) => {
      if (r.ok) setSender(r.value.sender);
    });
  }, [desk]);
  const print = async () => {
    setMessage(null);
    const r = await printPage(desk, `${tr.t('slip.title')} ${dayValue(printedAt)}.pdf`);
    if (r && 'path' in r) setMessage({ text: tr.t('slip.saved', { path: r.path }) });
    else if (r) setMessage({ text: '', error: r.error });
  };
  return (
    <section className="print-area" aria-label={tr.t('slip.title')}>
      <div className="actions no-print">
        <button type="button" className="secondary" onClick={props.onBack}>
          {tr.t('slip.back')}
        </button>
        <button type="button" onClick={() => void print()} data-testid="slips-print" autoFocus>
          {tr.t('slip.printNow')}
        </button>
        <PrintMessage message={message} />
      </div>
      {props.rows.map((r) => (
        <article key={r.orderId} className="slip" data-testid="packing-slip">
          <header>
            <h2>{tr.t('slip.title')}</h2>
            {sender ? <p className="slip-from">{sender.name}</p> : null}
          </header>
          <dl className="slip-fields">
            <dt>{tr.t('slip.order')}</dt>
            <dd className="mono">{r.orderId}</dd>
            <dt>{tr.t('recipient.title')}</dt>
            <dd>
              {r.recipient ? <RecipientLines recipient={r.recipient} /> : tr.t('recipient.none')}
            </dd>
            <dt>{tr.t('slip.item')}</dt>
            <dd>{r.title}</dd>
            <dt>{tr.t('slip.qty')}</dt>
            <dd>{r.quantity}</dd>
            <dt>{tr.t('detail.goods')}</dt>
            <dd>{tr.dyn(`goods.${r.goodsKind}`, r.goodsKind)}</dd>
            {r.deadline ? (
              <>
                <dt>{tr.dyn(`deadline.${r.deadline.kind}`, r.deadline.kind)}</dt>
                <dd>{tr.date(r.deadline.at)}</dd>
              </>
            ) : null}
          </dl>
          <footer className="muted">{tr.t('slip.printed', { time: tr.date(printedAt) })}</footer>
        </article>
      ))}
    </section>
  );
}
