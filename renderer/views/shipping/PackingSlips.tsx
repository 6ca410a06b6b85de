import { useState } from 'react';
import { dayValue } from '../../app/localDays.ts';
import { useNow, useStores, useTr } from '../../app/StoresContext.tsx';
import type { OrderRow } from '../../stores/orderListStore.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { ErrorText } from '../../components/ErrorText.tsx';

/**
 * Packing slips / waybill sheets for the selected orders, one per printed page; the print
 * stylesheet hides everything but these sheets. The desktop app prints them to a PDF file the
 * user picks (`print.savePdf`); web mode answers `unsupported` and the browser's print dialog
 * opens instead (which offers "Save as PDF" too).
 */
export function PackingSlips(props: { rows: OrderRow[]; merchantName: string; onBack(): void }) {
  const tr = useTr();
  const { desk } = useStores();
  const printedAt = useNow();
  const [message, setMessage] = useState<{ text: string; error?: ErrorInfo } | null>(null);
  const print = async () => {
    setMessage(null);
    const r = await desk.print.savePdf({
      fileName: `${tr.t('slip.title')} ${dayValue(printedAt)}.pdf`,
    });
    if (r.ok) {
      if (r.value.path) setMessage({ text: tr.t('slip.saved', { path: r.value.path }) });
    } else if (r.error.code === 'unsupported') {
      window.print();
    } else {
      setMessage({ text: '', error: r.error });
    }
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
        {message ? (
          <div
            role={message.error ? 'alert' : 'status'}
            className={message.error ? 'bad' : 'muted'}
          >
            {message.error ? (
              <ErrorText
                error={message.error}
                wrap={(text) => tr.t('slip.saveFailed', { message: text })}
              />
            ) : (
              message.text
            )}
          </div>
        ) : null}
      </div>
      {props.rows.map((r) => (
        <article key={r.orderId} className="slip" data-testid="packing-slip">
          <header>
            <h2>{tr.t('slip.title')}</h2>
            <p className="slip-from">{props.merchantName}</p>
            <p className="barcode mono" aria-label={`${tr.t('slip.order')} ${r.orderId}`}>
              *{r.orderId}*
            </p>
          </header>
          <dl className="slip-fields">
            <dt>{tr.t('slip.order')}</dt>
            <dd className="mono">{r.orderId}</dd>
            <dt>{tr.t('slip.buyer')}</dt>
            <dd>{r.buyerId}</dd>
            <dt>{tr.t('slip.item')}</dt>
            <dd>{r.title}</dd>
            <dt>{tr.t('slip.qty')}</dt>
            <dd>{r.quantity}</dd>
            <dt>{tr.t('slip.amount')}</dt>
            <dd>{tr.money(r.amountFen, r.currency)}</dd>
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
