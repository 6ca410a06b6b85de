import { useEffect, useState } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';

type Escalation = MethodOutput<'refunds.escalated'>['items'][number];

/**
 * Refunds the buyer asked the platform to decide after the seller refused: both sides' words
 * from the agent's replica, their files (the buyer's photos, the seller's refusal evidence)
 * from the server when opened.
 */
export function EscalationsView() {
  const stores = useStores();
  const tr = useTr();
  const [items, setItems] = useState<Escalation[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    void stores.desk.refunds.escalated({}).then((r) => {
      if (!live) return;
      if (r.ok) setItems(r.value.items);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [stores]);

  return (
    <section className="view" aria-labelledby="escalations-title">
      <header className="view-head">
        <h1 id="escalations-title">{tr.t('escalations.title')}</h1>
        <span className="muted" aria-live="polite" data-testid="escalations-count">
          {items === null
            ? tr.t('orders.loading')
            : tr.t('escalations.count', { count: items.length })}
        </span>
      </header>
      <ErrorAlert error={error} />
      {items && items.length > 0 ? (
        <table className="table" data-testid="escalations">
          <thead>
            <tr>
              <th scope="col">{tr.t('escalations.order')}</th>
              <th scope="col">{tr.t('escalations.amount')}</th>
              <th scope="col">{tr.t('refunds.buyerReason')}</th>
              <th scope="col">{tr.t('escalations.sellerReason')}</th>
              <th scope="col">{tr.t('escalations.files')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.refund.refundId} data-testid="escalation-row">
                <td className="mono">{e.orderId}</td>
                <td>{tr.money(e.refund.amountFen, e.currency)}</td>
                <td>{e.refund.reason}</td>
                <td>{e.refund.refuseReason ?? ''}</td>
                <td>
                  <button
                    type="button"
                    className="small secondary"
                    data-testid="escalation-files"
                    onClick={() =>
                      stores.dialogs.getState().open({
                        kind: 'refundFiles',
                        orderId: e.orderId,
                        refundId: e.refund.refundId,
                      })
                    }
                  >
                    {tr.t('escalations.fileCount', {
                      count:
                        (e.refund.buyerEvidence?.length ?? 0) +
                        (e.refund.sellerEvidence?.length ?? 0),
                    })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {items && items.length === 0 ? <p className="muted">{tr.t('escalations.none')}</p> : null}
    </section>
  );
}
