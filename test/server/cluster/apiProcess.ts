// One API process for the failover and PgBouncer tests, started as a child so a test can
// SIGKILL it. Like `npm run api` (server/main.ts) with the production clock, but configured by
// the test: the database options of startServer, a short unpaid-order timeout so timers fall
// due while the test runs, and no per-address limits (every client is 127.0.0.1).
// Prints one line `listening <url>` once it serves.
import { parseBankSecrets } from '../../../server/bank/bankKeys.ts';
import { startServer } from '../../../server/startServer.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is required`);
  return v;
};

const server = await startServer({
  databaseUrl: env('API_DATABASE_URL'),
  databaseTransactionPooling: process.env.API_POOL_MODE === 'transaction',
  ...(process.env.API_LISTEN_URL ? { databaseListenUrl: process.env.API_LISTEN_URL } : {}),
  databaseMaxConnections: Number(process.env.API_MAX_CONNECTIONS ?? 8),
  ...(process.env.API_SCHEMA ? { schema: process.env.API_SCHEMA } : {}),
  port: Number(env('API_PORT')),
  bankSecrets: parseBankSecrets(env('API_BANK_SECRETS')),
  policy: { unpaidCloseMs: Number(process.env.API_UNPAID_CLOSE_MS ?? 72 * 3_600_000) },
  timerIntervalMs: Number(process.env.API_TIMER_INTERVAL_MS ?? 200),
  loginLimits: { perIpPerMinute: 1_000_000 },
  maxConnectionsPerAddress: 1_000_000,
  logger: false,
});
process.stdout.write(`listening ${server.url}\n`);
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
