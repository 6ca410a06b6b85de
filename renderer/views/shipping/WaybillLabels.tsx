import { memo, useEffect, useState } from 'react';
import type * as BwipJs from 'bwip-js/browser';
import { dayValue } from '../../app/localDays.ts';
import { useNow, useStores, useTr } from '../../app/StoresContext.tsx';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';
import { RecipientLines } from '../orders/RecipientLines.tsx';
import { printPage } from './printPage.ts';
import { PrintMessage } from './PrintMessage.tsx';

export type WaybillLabel = MethodOutput<'waybills.print'>['labels'][number];

type BarcodeWriter = Pick<typeof BwipJs, 'toSVG'>;

/**
 * bwip-js (the barcode writer of the PostScript library, maintained), loaded when labels are
 * first shown: it is a large module that most desk sessions never need.
 */
function useBarcodeWriter(): BarcodeWriter | null {
  const [writer, setWriter] = useState<BarcodeWriter | null>(null);
  useEffect(() => {
    let live = true;
    void import('bwip-js/browser').then((m) => live && setWriter({ toSVG: m.toSVG }));
    return () => {
      live = false;
    };
  }, []);
  return writer;
}

/**
 * The Code 128 symbol of a waybill number as SVG: vector bars stay sharp on a 203 dpi thermal
 * head and in a PDF. The quiet zone is part of the symbol, so no layout can crowd it.
 */
function code128Svg(bwipjs: BarcodeWriter, text: string): string {
  return bwipjs.toSVG({
    bcid: 'code128',
    text,
    height: 14,
    scale: 2,
    paddingwidth: 12,
    paddingheight: 2,
    includetext: false,
  });
}

const Barcode = memo(function Barcode(props: {
  writer: BarcodeWriter;
  text: string;
  label: string;
}) {
  return (
    <div
      className="wb-barcode"
      role="img"
      aria-label={props.label}
      data-testid="waybill-barcode"
      // bwip-js's output: an <svg> of paths, made from the number alone (never user markup).
      dangerouslySetInnerHTML={{ __html: code128Svg(props.writer, props.text) }}
    />
  );
});

/**
 * E-waybill labels in the common 100 × 180 mm thermal layout, one per printed page: carrier,
 * the number as a Code 128 barcode and in figures, recipient (in full: the courier needs it),
 * sender, an item summary and the order id. No price. Printed as one job for the whole batch.
 */
export function WaybillLabels(props: { labels: WaybillLabel[]; onBack(): void }) {
  const tr = useTr();
  const { desk } = useStores();
  const printedAt = useNow();
  const writer = useBarcodeWriter();
  const [message, setMessage] = useState<{ text: string; error?: ErrorInfo } | null>(null);
  const print = async () => {
    setMessage(null);
    const r = await printPage(desk, `${tr.t('waybill.file')} ${dayValue(printedAt)}.pdf`);
    if (r && 'path' in r) setMessage({ text: tr.t('slip.saved', { path: r.path }) });
    else if (r) setMessage({ text: '', error: r.error });
  };
  return (
    <section className="print-area" aria-label={tr.t('waybill.sheetTitle')}>
      <div className="actions no-print">
        <button type="button" className="secondary" onClick={props.onBack}>
          {tr.t('slip.back')}
        </button>
        <button
          type="button"
          onClick={() => void print()}
          disabled={writer === null}
          data-testid="waybills-print"
          autoFocus
        >
          {tr.t('waybill.printNow', { count: props.labels.length })}
        </button>
        <PrintMessage message={message} />
      </div>
      {props.labels.map((l) => (
        <article
          key={l.orderId}
          className="waybill"
          data-testid="waybill"
          data-waybill-no={l.waybillNo}
          data-order-id={l.orderId}
        >
          <header className="wb-head">
            <strong className="wb-carrier">{tr.dyn(`carrier.${l.carrier}`, l.carrier)}</strong>
            <span>{tr.t('waybill.kind')}</span>
          </header>
          {writer ? (
            <Barcode
              writer={writer}
              text={l.waybillNo}
              label={`${tr.t('waybill.number')} ${l.waybillNo}`}
            />
          ) : (
            <div className="wb-barcode" />
          )}
          <p className="wb-no mono">{l.waybillNo}</p>
          <section className="wb-party wb-to">
            <h3>{tr.t('waybill.to')}</h3>
            <RecipientLines recipient={l.recipient} />
          </section>
          <section className="wb-party wb-from">
            <h3>{tr.t('waybill.from')}</h3>
            <RecipientLines recipient={l.sender} />
          </section>
          <section className="wb-party wb-item">
            <h3>{tr.t('waybill.contents')}</h3>
            <p>
              {l.item.title} × {tr.number(l.item.quantity)}
            </p>
            <p className="mono">
              {tr.t('slip.order')} {l.orderId}
            </p>
          </section>
          <footer className="wb-foot muted">
            {tr.t('slip.printed', { time: tr.date(printedAt) })}
          </footer>
        </article>
      ))}
    </section>
  );
}
