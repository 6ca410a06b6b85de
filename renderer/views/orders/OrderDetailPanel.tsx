import { useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { allowedCommands } from '../../../shared/escrow/allowedCommands.ts';
import { deadlines } from '../../../shared/escrow/deadlines.ts';
import type { Deadline } from '../../../shared/escrow/deadlines.ts';
import { openRefund } from '../../../shared/escrow/openItems.ts';
import type { Actor, OrderState } from '../../../shared/escrow/types.ts';
import { useNow, useStores, useTr } from '../../app/StoresContext.tsx';
import { Countdown } from '../../components/Countdown.tsx';
import { PendingBadge } from '../../components/PendingBadge.tsx';
import type { MessageKey } from '../../i18n/catalogEn.ts';
import { confirmMoney } from '../refunds/moneyActions.ts';
import { OrderNoteEditor } from './OrderNoteEditor.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { RecipientLines } from './RecipientLines.tsx';

function ifNothingKey(d: Deadline): MessageKey {
  if (d.kind === 'refund_answer') {
    return d.moneyMoves ? 'ifNothing.refund_answer.money' : 'ifNothing.refund_answer.return';
  }
  return `ifNothing.${d.kind}` as MessageKey;
}

/**
 * One order: what it is, the escrow timeline (every event, when, by whom), its ledger postings,
 * what the seller may do now and what happens if they do nothing. Possible actions and
 * deadlines come from the shared escrow rules, the same functions the core decides with.
 */
export function OrderDetailPanel() {
  const stores = useStores();
  const tr = useTr();
  const now = useNow();
  const { orderId, detail, error } = useStore(stores.detail);
  const user = useStore(stores.session, (s) => s.user);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (orderId) headingRef.current?.focus();
  }, [orderId]);

  if (!orderId) return null;
  const close = () => stores.detail.getState().close();
  const order = detail?.order as OrderState | undefined;
  const actor: Actor | null = user
    ? {
        role: user.role,
        userId: user.userId,
        ...(user.merchantId ? { merchantId: user.merchantId } : {}),
      }
    : null;
  const allowed = order && actor ? allowedCommands(actor, order, now) : [];
  const due = order ? deadlines(order) : [];
  const refund = order ? openRefund(order) : undefined;
  const refundItem =
    order && refund
      ? {
          orderId,
          refundId: refund.refundId,
          buyerId: order.buyerId,
          amountFen: refund.amountFen,
          currency: order.currency,
          refundKind: refund.kind,
        }
      : null;

  return (
    <aside
      className="detail"
      aria-labelledby="detail-title"
      data-testid="order-detail"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          close();
        }
      }}
    >
      <header className="detail-head">
        <h2 id="detail-title" tabIndex={-1} ref={headingRef}>
          {tr.t('detail.title', { orderId })} <PendingBadge orderId={orderId} />
        </h2>
        <button type="button" className="secondary small" onClick={close}>
          {tr.t('detail.close')}
        </button>
      </header>
      {error ? (
        <div role="alert" className="error">
          <ErrorText error={error} />
        </div>
      ) : null}
      {order ? (
        <div className="detail-body">
          <section aria-labelledby="detail-summary">
            <h3 id="detail-summary">{tr.t('detail.summary')}</h3>
            <dl className="facts">
              <dt>{tr.t('col.status')}</dt>
              <dd data-testid="detail-status">{tr.dyn(`status.${order.status}`, order.status)}</dd>
              <dt>{tr.t('detail.item')}</dt>
              <dd>
                {order.item.title} ×{order.item.quantity}
              </dd>
              <dt>{tr.t('detail.buyer')}</dt>
              <dd>{order.buyerId}</dd>
              <dt>{tr.t('recipient.title')}</dt>
              <dd data-testid="detail-recipient">
                {order.recipient ? (
                  <>
                    <RecipientLines recipient={order.recipient} />
                    {order.recipient.masked ? (
                      <span className="muted small-note"> {tr.t('recipient.masked')}</span>
                    ) : null}
                  </>
                ) : (
                  tr.t('recipient.none')
                )}
              </dd>
              <dt>{tr.t('col.amount')}</dt>
              <dd className="num">{tr.money(order.amountFen, order.currency)}</dd>
              <dt>{tr.t('detail.held')}</dt>
              <dd className="num">{tr.money(order.heldFen, order.currency)}</dd>
              <dt>{tr.t('detail.released')}</dt>
              <dd className="num">{tr.money(order.releasedFen, order.currency)}</dd>
              <dt>{tr.t('detail.refunded')}</dt>
              <dd className="num">{tr.money(order.refundedFen, order.currency)}</dd>
              <dt>{tr.t('detail.goods')}</dt>
              <dd>{tr.dyn(`goods.${order.goodsKind}`, order.goodsKind)}</dd>
              {order.shipment ? (
                <>
                  <dt>{tr.t('detail.shipment')}</dt>
                  <dd className="mono" data-testid="detail-tracking">
                    {tr.dyn(`carrier.${order.shipment.carrier}`, order.shipment.carrier)}{' '}
                    {order.shipment.trackingNo}
                  </dd>
                </>
              ) : null}
              {refund ? (
                <>
                  <dt>{tr.t('detail.refund')}</dt>
                  <dd>
                    {tr.dyn(`refunds.kind.${refund.kind}`, refund.kind)} ·{' '}
                    {tr.money(refund.amountFen)} ·{' '}
                    {tr.dyn(`refunds.status.${refund.status}`, refund.status)} ·{' '}
                    {tr.t('detail.refundReason', { reason: refund.reason })}
                  </dd>
                </>
              ) : null}
            </dl>
          </section>

          <section aria-labelledby="detail-actions">
            <h3 id="detail-actions">{tr.t('detail.actions')}</h3>
            <div className="actions wrap" data-testid="detail-actions">
              {allowed.includes('ship') ? (
                <button
                  type="button"
                  onClick={() =>
                    stores.dialogs
                      .getState()
                      .open({ kind: 'ship', orderId, goodsKind: order.goodsKind })
                  }
                >
                  {tr.t('ship.shortcut')}
                </button>
              ) : null}
              {refund && allowed.includes('agree_refund') ? (
                <button
                  type="button"
                  onClick={() => confirmMoney(stores, 'agree_refund', refundItem)}
                >
                  {tr.t('refunds.agree')}
                </button>
              ) : null}
              {refund && allowed.includes('refuse_refund') ? (
                <button
                  type="button"
                  className="danger"
                  onClick={() =>
                    stores.dialogs
                      .getState()
                      .open({ kind: 'refuse', orderId, refundId: refund.refundId })
                  }
                >
                  {tr.t('refunds.refuse')}
                </button>
              ) : null}
              {refund && allowed.includes('confirm_return') ? (
                <button
                  type="button"
                  onClick={() => confirmMoney(stores, 'confirm_return', refundItem)}
                >
                  {tr.t('refunds.confirmReturn')}
                </button>
              ) : null}
              {!allowed.some((a) =>
                ['ship', 'agree_refund', 'refuse_refund', 'confirm_return'].includes(a),
              ) ? (
                <p className="muted">{tr.t('detail.noActions')}</p>
              ) : null}
            </div>
            {actor && (actor.role === 'seller_staff' || actor.role === 'seller_admin') ? (
              <OrderNoteEditor
                key={`${orderId}:${order.version}`}
                orderId={orderId}
                note={order.sellerNote ?? ''}
                flag={order.flag ?? null}
              />
            ) : null}
            <h3>{tr.t('detail.ifNothing')}</h3>
            {due.length === 0 ? (
              <p className="muted">{tr.t('ifNothing.none')}</p>
            ) : (
              <ul className="deadlines" data-testid="detail-deadlines">
                {due.map((d) => (
                  <li
                    key={`${d.kind}-${d.at}`}
                    className={d.moneyMoves ? 'money-moves' : undefined}
                  >
                    <strong>{tr.dyn(`deadline.${d.kind}`, d.kind)}</strong> {tr.date(d.at)} ·{' '}
                    <Countdown at={d.at} moneyMoves={d.moneyMoves} />
                    <div>{tr.t(ifNothingKey(d))}</div>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="detail-timeline">
            <h3 id="detail-timeline">{tr.t('detail.timeline')}</h3>
            <ol className="timeline" data-testid="detail-timeline-list">
              {detail!.timeline.map((e) => (
                <li key={e.version}>
                  <time dateTime={new Date(e.at).toISOString()}>{tr.date(e.at)}</time>{' '}
                  <strong>{tr.dyn(`event.${e.type}`, e.type)}</strong>{' '}
                  <span className="muted">
                    {tr.t('detail.actor')}: {tr.dyn(`role.${e.actor.role}`, e.actor.role)} (
                    {e.actor.userId})
                  </span>
                </li>
              ))}
            </ol>
          </section>

          <section aria-labelledby="detail-postings">
            <h3 id="detail-postings">{tr.t('detail.postings')}</h3>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{tr.t('detail.time')}</th>
                  <th scope="col">{tr.t('detail.kind')}</th>
                  <th scope="col">{tr.t('detail.account')}</th>
                  <th scope="col" className="num">
                    {tr.t('detail.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {detail!.postings.flatMap((p) =>
                  p.legs.map((leg, i) => (
                    // Keyed by txnId: a pending action's postings have no server seq yet.
                    <tr key={`${p.txnId}-${i}`}>
                      <td>{i === 0 ? tr.date(p.at) : ''}</td>
                      <td>
                        {i === 0 ? tr.dyn(`kind.${p.kind}`, p.kind) : ''}
                        {i === 0 && p.provisional ? (
                          <>
                            {' '}
                            <span className="badge badge-pending" data-testid="pending-posting">
                              {tr.t('pending.badge')}
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td className="mono">{leg.account}</td>
                      <td className="num">{tr.money(leg.amountFen, p.currency)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </section>
        </div>
      ) : (
        <p className="muted">{tr.t('orders.loading')}</p>
      )}
    </aside>
  );
}
