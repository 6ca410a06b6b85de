import { fail, ok } from '../../../shared/errors.ts';
import type { Result } from '../../../shared/errors.ts';
import { DEFAULT_MERCHANT_TIME_ZONE } from '../../../shared/merchantTime.ts';
import { asResult } from '../../net/serverClient.ts';
import type { ServerClient } from '../../net/serverClient.ts';
import type { Db } from '../store/openDatabase.ts';

export interface MerchantSettings {
  timeZone: string;
  /** False when the server could not be reached and the replica's copy (or the default) stands. */
  fromServer: boolean;
}

/**
 * The merchant's settings are the server's (`/v1/merchant/settings`); the replica keeps the
 * last answer (migration 0005) so a desk that starts offline still groups the shop's days on
 * the shop's clock rather than falling back to the default zone.
 */
export function createMerchantSettings({ client, db }: { client: ServerClient; db: Db }) {
  const stored = (merchantId: string): string | null =>
    db
      .prepare<[string], { time_zone: string }>(
        'SELECT time_zone FROM merchant_settings WHERE merchant_id = ?',
      )
      .get(merchantId)?.time_zone ?? null;
  const keep = (merchantId: string, timeZone: string) =>
    db
      .prepare(
        `INSERT INTO merchant_settings (merchant_id, time_zone, fetched_at) VALUES (?, ?, ?)
         ON CONFLICT (merchant_id) DO UPDATE SET time_zone = excluded.time_zone,
                                                 fetched_at = excluded.fetched_at`,
      )
      .run(merchantId, timeZone, Date.now());

  return {
    async read(merchantId: string): Promise<Result<MerchantSettings>> {
      const r = await asResult(
        () =>
          client.json({ method: 'GET', path: '/v1/merchant/settings' }) as Promise<{
            timeZone: string;
          }>,
      );
      if (r.ok) {
        keep(merchantId, r.value.timeZone);
        return ok({ timeZone: r.value.timeZone, fromServer: true });
      }
      if (r.error.code !== 'unavailable') return r;
      return ok({ timeZone: stored(merchantId) ?? DEFAULT_MERCHANT_TIME_ZONE, fromServer: false });
    },
    async setTimeZone(merchantId: string, timeZone: string): Promise<Result<MerchantSettings>> {
      const r = await asResult(
        () =>
          client.json({
            method: 'POST',
            path: '/v1/merchant/settings',
            body: { timeZone },
          }) as Promise<{ timeZone: string }>,
      );
      if (!r.ok) return r;
      if (typeof r.value.timeZone !== 'string') return fail('internal', 'no time zone in answer');
      keep(merchantId, r.value.timeZone);
      return ok({ timeZone: r.value.timeZone, fromServer: true });
    },
  };
}

export type MerchantSettingsCalls = ReturnType<typeof createMerchantSettings>;
