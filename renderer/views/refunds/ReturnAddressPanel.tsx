import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { MethodOutput } from '../../../shared/contract/types.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';

export type ReturnAddress = NonNullable<MethodOutput<'refunds.returnAddress'>['address']>;

/** The shop's return address as one line (name, mobile, address). */
export function returnAddressLine(a: ReturnAddress): string {
  return `${a.name} · ${a.mobile} · ${a.address}`;
}

/**
 * Where buyers send returns, kept on the central API per shop: everyone on the refunds desk
 * sees it, the shop's admin edits it. Agreeing to a return needs it (ConfirmMoneyDialog).
 */
export function ReturnAddressPanel() {
  const stores = useStores();
  const tr = useTr();
  const user = useStore(stores.session, (s) => s.user);
  const [address, setAddress] = useState<ReturnAddress | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ name: '', mobile: '', address: '' });

  useEffect(() => {
    void stores.desk.refunds
      .returnAddress({})
      .then((r) => setAddress(r.ok ? r.value.address : null));
  }, [stores]);

  async function save() {
    const r = await stores.desk.refunds.setReturnAddress(draft);
    const dialogs = stores.dialogs.getState();
    if (!r.ok) return dialogs.announce(tr.error(r.error), 'error', r.error);
    setAddress(r.value.address);
    setEditing(false);
    dialogs.announce(tr.t('returnAddress.saved'), 'ok');
  }

  const isAdmin = user?.role === 'seller_admin';
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
      {isAdmin && !editing ? (
        <button
          type="button"
          className="secondary small"
          data-testid="return-address-edit"
          onClick={() => {
            setDraft({
              name: address?.name ?? '',
              mobile: address?.mobile ?? '',
              address: address?.address ?? '',
            });
            setEditing(true);
          }}
        >
          {tr.t('returnAddress.edit')}
        </button>
      ) : null}
      {editing ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {(['name', 'mobile', 'address'] as const).map((k) => (
            <label key={k} className={`field${k === 'address' ? ' grow' : ''}`}>
              <span>{tr.t(`returnAddress.${k}`)}</span>
              <input
                value={draft[k]}
                maxLength={k === 'address' ? 200 : 50}
                onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
                data-testid={`return-address-${k}`}
              />
            </label>
          ))}
          <button type="submit" data-testid="return-address-save">
            {tr.t('returnAddress.save')}
          </button>
        </form>
      ) : null}
    </div>
  );
}
