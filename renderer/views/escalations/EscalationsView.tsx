import { useEffect, useState } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import type { ErrorInfo } from '../../../shared/errors.ts';

type Escalation = MethodOutput<'refunds.escalated'>['items'][number];

/**
 * Refunds the buyer asked the platform to decide after the seller refused: both sides' words
 * from the agent's replica, their files (the buyer's photos, the seller's refusal evidence)
 * from the server when opened, and the agent's decision (ResolveEscalationDialog). The list
 * follows the replica: a decision, queued or synced, takes its refund off at once.
 */
export function EscalationsView() {
  const stores = useStores();
  const tr = useTr();
  const [items, setItems] = useState<Escalation[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    let live = true;
    // Answers can cross: only the newest load's answer is shown.
    let latest = 0;
    const load = () => {
      const mine = ++latest;
      void stores.desk.refunds.escalated({}).then((r) => {
        if (!live || mine !== latest) return;
        if (r.ok) {
          setItems(r.value.items);
          setError(null);
        } else setError(r.error);
      });
    };
    load();
    const off = stores.desk.subscribe('orders.changed', load);
    return () => {
      live = false;
      off();
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
              <th scope="col">
                <span className="sr-only">{tr.t('escalations.decide')}</span>
              </th>
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
                <td>
                  <button
                    type="button"
                    className="small"
                    data-testid="escalation-decide"
                    onClick={() =>
                      stores.dialogs.getState().open({
                        kind: 'resolveEscalation',
                        item: {
                          orderId: e.orderId,
                          refundId: e.refund.refundId,
                          buyerId: e.buyerId,
                          amountFen: e.refund.amountFen,
                          currency: e.currency,
                        },
                      })
                    }
                  >
                    {tr.t('escalations.decide')}
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
