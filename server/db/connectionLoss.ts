/**
 * Errors meaning "this connection (or this server) is gone or cannot take writes", as opposed to
 * an error about the statement. After one of these a pooled client must be dropped, the host list
 * searched again, and a transaction's outcome is unknown to the caller: it gets `unavailable` and
 * retries with the same command id, which replays if the commit did land.
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const SERVER_CODES = new Set([
  '57P01', // admin_shutdown (pg_ctl stop -m fast, pg_terminate_backend)
  '57P02', // crash_shutdown (another backend crashed)
  '57P03', // cannot_connect_now (starting up, shutting down, in recovery)
  '25006', // read_only_sql_transaction: we reached a standby, or a demoted primary
]);

const DRIVER_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'not queryable',
  'Client was closed',
];

export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof NoWritableHostError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code)) return true;
    // Class 08: connection exception (PgBouncer also reports a lost server this way).
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  const message = (err as { message?: unknown }).message;
  return typeof message === 'string' && DRIVER_MESSAGES.some((m) => message.includes(m));
}

/** No host of the list accepted a connection with the session it asks for (read-write). */
export class NoWritableHostError extends Error {
  constructor(
    readonly labels: readonly string[],
    readonly reasons: readonly string[],
  ) {
    super(`no usable database among ${labels.join(', ')}: ${reasons.join('; ')}`);
    this.name = 'NoWritableHostError';
  }
}
