import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { Recipient } from '../../../shared/shipping/recipient.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';
import { AddressesDialog } from '../shipping/AddressesDialog.tsx';

/** The shop's return address as one line: name, mobile, then the address in Chinese order. */
export function returnAddressLine(a: Recipient): string {
  return `${a.name} · ${a.mobile} · ${a.province}${a.city}${a.district}${a.detail}`;
}

/**
 * The shop's return address from the central API (one of the shop's addresses), or null;
 * undefined while it loads. Read again whenever `reread` changes.
 */
export function useReturnAddress(wanted: boolean, reread = 0): Recipient | null | undefined {
  const stores = useStores();
  const [address, setAddress] = useState<Recipient | null | undefined>(undefined);
  useEffect(() => {
    if (!wanted) return;
    void stores.desk.merchant.addresses({}).then((r) => setAddress(r.ok ? r.value.return : null));
  }, [stores, wanted, reread]);
  return address;
}

/**
 * Where buyers send returns: the return address among the shop's addresses, kept by the
 * central API (the same one the shipping view's address dialog edits). Everyone on the refunds
 * desk sees it; the shop's admin edits it there. Agreeing to a return needs it
 * (ConfirmMoneyDialog).
 */
export function ReturnAddressPanel() {
  const stores = useStores();
  const tr = useTr();
  const user = useStore(stores.session, (s) => s.user);
  const [editing, setEditing] = useState(false);
  // Read again after the address dialog closes: the admin may have changed it.
  const [closedDialogs, setClosedDialogs] = useState(0);
  const address = useReturnAddress(true, closedDialogs);

  return (
    <div className="return-address" data-testid="return-address">
      <strong>{tr.t('returnAddress.title')}</strong>{' '}
      <span data-testid="return-address-line">
        {address === undefined
          ? '…'
          : address
            ? returnAddressLine(address)
            : tr.t('returnAddress.none')}
      </span>{' '}
      {user?.role === 'seller_admin' ? (
        <button
          type="button"
          className="secondary small"
          data-testid="return-address-edit"
          onClick={() => setEditing(true)}
        >
          {tr.t('returnAddress.edit')}
        </button>
      ) : null}
      {editing ? (
        <AddressesDialog
          onClose={() => {
            setEditing(false);
            setClosedDialogs((n) => n + 1);
          }}
        />
      ) : null}
    </div>
  );
}
