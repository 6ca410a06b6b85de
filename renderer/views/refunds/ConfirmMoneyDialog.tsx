import { useState } from 'react';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { Modal } from '../../components/Modal.tsx';
import type { MoneyAction } from '../../stores/dialogStore.ts';
import { runMoneyAction, totalFen } from './moneyActions.ts';
import { returnAddressLine, useReturnAddress } from './ReturnAddressPanel.tsx';

/**
 * The one confirmation every money-moving desk action goes through (buttons and shortcuts
 * alike): it says how much goes to whom and that it cannot be undone. Cancel comes first, so
 * the dialog opens with focus on it and a stray Enter after a shortcut changes nothing.
 */
export function ConfirmMoneyDialog(props: { action: MoneyAction }) {
  const stores = useStores();
  const tr = useTr();
  const [busy, setBusy] = useState(false);
  const { type, items } = props.action;
  // Agreeing to a return tells the buyer where to send the goods: the shop's return address.
  const needsAddress =
    type === 'agree_refund' && items.some((i) => i.refundKind === 'return_and_refund');
  const address = useReturnAddress(needsAddress);
  const blocked = needsAddress && !address;
  const close = () => stores.dialogs.getState().close();
  const first = items[0];
  if (!first) return null;
  const total = tr.money(totalFen(items), first.currency);

  let text: string;
  if (items.length > 1) {
    text = tr.t('money.confirmMany', { count: items.length, amount: total });
  } else if (type === 'confirm_return') {
    text = tr.t('money.confirmReturn', {
      amount: total,
      buyer: first.buyerId,
      orderId: first.orderId,
    });
  } else if (first.refundKind === 'return_and_refund') {
    text = tr.t('money.confirmAgreeReturn', {
      amount: total,
      buyer: first.buyerId,
      orderId: first.orderId,
    });
  } else {
    text = tr.t('money.confirmAgree', {
      amount: total,
      buyer: first.buyerId,
      orderId: first.orderId,
    });
  }

  async function go() {
    setBusy(true);
    await runMoneyAction(stores, props.action);
    close();
  }

  return (
    <Modal
      title={
        type === 'confirm_return'
          ? tr.t('money.titleReturn')
          : items.length > 1
            ? tr.t('money.titleMany')
            : tr.t('money.titleAgree')
      }
      onClose={close}
    >
      <p data-testid="money-confirm-text">{text}</p>
      {needsAddress ? (
        <p data-testid="money-confirm-address" className={address ? undefined : 'error'}>
          {address === undefined
            ? '…'
            : address
              ? tr.t('returnAddress.sendTo', { address: returnAddressLine(address) })
              : tr.t('returnAddress.missing')}
        </p>
      ) : null}
      {items.length > 1 ? (
        <ul className="money-items" data-testid="money-confirm-items">
          {items.map((i) => (
            <li key={i.refundId}>
              <span className="mono">{i.orderId}</span> · {i.buyerId} ·{' '}
              <span className="num">{tr.money(i.amountFen, i.currency)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={close}>
          {tr.t('ship.cancel')}
        </button>
        <button
          type="button"
          disabled={busy || blocked}
          onClick={() => void go()}
          data-testid="money-confirm-submit"
        >
          {type === 'confirm_return'
            ? tr.t('money.submitReturn', { amount: total })
            : tr.t('money.submitAgree', { amount: total })}
        </button>
      </div>
    </Modal>
  );
}
