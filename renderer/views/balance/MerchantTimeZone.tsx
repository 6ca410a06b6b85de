import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_MERCHANT_TIME_ZONE } from '../../../shared/merchantTime.ts';
import { useStores, useTr } from '../../app/StoresContext.tsx';

/** Zones offered first: where this desk's shops are; the full list follows. */
const COMMON_ZONES = [
  DEFAULT_MERCHANT_TIME_ZONE,
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Europe/London',
  'America/Los_Angeles',
  'America/New_York',
];

function allZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const listed = intl.supportedValuesOf?.('timeZone') ?? [];
  return [...COMMON_ZONES, ...listed.filter((z) => !COMMON_ZONES.includes(z))];
}

/**
 * The shop's time zone, which its days, exports and statements run on. Held by the server:
 * every desk of the shop uses the same one; a seller admin changes it for all of them.
 */
export function MerchantTimeZone() {
  const stores = useStores();
  const tr = useTr();
  const timeZone = useStore(stores.balance, (s) => s.timeZone);
  const user = useStore(stores.session, (s) => s.user);
  const [editing, setEditing] = useState<string | null>(null);
  const zones = useMemo(() => allZones(), []);

  if (editing === null)
    return (
      <p className="muted" data-testid="merchant-time-zone">
        {tr.t('balance.timeZone', { zone: timeZone })}{' '}
        {user?.role === 'seller_admin' ? (
          <button
            type="button"
            className="small secondary"
            data-testid="time-zone-edit"
            onClick={() => setEditing(timeZone)}
          >
            {tr.t('balance.timeZoneEdit')}
          </button>
        ) : null}
      </p>
    );
  return (
    <form
      className="filters"
      onSubmit={async (e) => {
        e.preventDefault();
        if (await stores.balance.getState().changeTimeZone(editing)) {
          setEditing(null);
          await stores.balance.getState().load();
        }
      }}
    >
      <label className="field">
        <span>{tr.t('balance.timeZoneLabel')}</span>
        <select
          value={editing}
          data-testid="time-zone-select"
          onChange={(e) => setEditing(e.target.value)}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="small" data-testid="time-zone-save">
        {tr.t('balance.timeZoneSave')}
      </button>
      <button type="button" className="small secondary" onClick={() => setEditing(null)}>
        {tr.t('ship.cancel')}
      </button>
    </form>
  );
}
