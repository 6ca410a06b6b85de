// `npm run api [-- --port 8080] [--demo] [--host 0.0.0.0] [--data-dir .data/api]`
// Uses PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite (persisted under
// --data-dir, or in memory with --memory). Prints the URL once it listens.
// Environment: DATABASE_URL (a libpq host list with target_session_attrs=read-write follows a
// failover), DATABASE_POOL_MODE (`transaction` behind PgBouncer's transaction pooling),
// DATABASE_LISTEN_URL (LISTEN's direct session), DATABASE_MAX_CONNECTIONS, BANK_SECRETS (JSON {bank: [{kid, secret}, …]}, required unless
// --demo, which makes random keys for this run), SECOND_APPROVAL_THRESHOLD_FEN,
// BUYER_WINDOW_THRESHOLD_FEN, BUYER_WINDOW_DAYS.
import { parseArgs } from 'node:util';
import { BankKeyError, parseBankSecrets, randomBankKeyring } from './bank/bankKeys.ts';
import type { BankKeyring } from './bank/bankKeys.ts';
import type { EscrowPolicy } from '../shared/escrow/policy.ts';
import { DAY_MS } from '../shared/time.ts';
import { DEMO_ACCOUNTS } from './demo/demoAccounts.ts';
import { loadDemo } from './demo/loadDemo.ts';
import { startServer } from './startServer.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    demo: { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: '.data/api' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`bad --port ${values.port}`);
  process.exit(2);
}
const databaseUrl = process.env.DATABASE_URL || undefined;
const poolMode = process.env.DATABASE_POOL_MODE || 'session';
if (poolMode !== 'session' && poolMode !== 'transaction') {
  console.error('DATABASE_POOL_MODE must be session or transaction');
  process.exit(2);
}
const databaseListenUrl = process.env.DATABASE_LISTEN_URL || undefined;
if (poolMode === 'transaction' && !databaseListenUrl) {
  console.error(
    'DATABASE_POOL_MODE=transaction needs DATABASE_LISTEN_URL: LISTEN needs a session of its own, directly on PostgreSQL',
  );
  process.exit(2);
}
// No secret has a default (DESIGN.md "Security rules"): without BANK_SECRETS the API does not
// start, unless --demo asks for random keys that only this run knows.
let bankSecrets: BankKeyring;
try {
  if (process.env.BANK_SECRETS) bankSecrets = parseBankSecrets(process.env.BANK_SECRETS);
  else if (values.demo) bankSecrets = randomBankKeyring();
  else
    throw new BankKeyError(
      'BANK_SECRETS is not set: give {"<bank>":[{"kid":"…","secret":"<32+ characters>"}]}, or run with --demo for random keys',
    );
} catch (e) {
  console.error(e instanceof BankKeyError ? `refusing to start: ${e.message}` : e);
  process.exit(2);
}

// Maker-checker limits (shared/escrow/policy.ts): compensation on one order, and to one buyer
// over a rolling window, above these needs a second, different senior agent. Audited at start.
function wholeNumberEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text)) {
    console.error(`${name} must be a whole number`);
    process.exit(2);
  }
  return Number(text);
}
const limits: Partial<EscrowPolicy> = {};
const orderThreshold = wholeNumberEnv('SECOND_APPROVAL_THRESHOLD_FEN');
if (orderThreshold !== undefined) limits.secondApprovalThresholdFen = orderThreshold;
const buyerThreshold = wholeNumberEnv('BUYER_WINDOW_THRESHOLD_FEN');
if (buyerThreshold !== undefined) limits.buyerWindowThresholdFen = buyerThreshold;
const buyerWindowDays = wholeNumberEnv('BUYER_WINDOW_DAYS');
if (buyerWindowDays !== undefined) limits.buyerWindowMs = buyerWindowDays * DAY_MS;

// A Prometheus scraper's bearer token for /metrics (agents may use their session instead).
const metricsToken = process.env.METRICS_TOKEN || undefined;
if (metricsToken !== undefined && metricsToken.length < 32) {
  console.error('METRICS_TOKEN must be at least 32 characters');
  process.exit(2);
}

const databaseMaxConnections = wholeNumberEnv('DATABASE_MAX_CONNECTIONS');

const server = await startServer({
  policy: limits,
  databaseUrl,
  databaseTransactionPooling: poolMode === 'transaction',
  ...(databaseListenUrl ? { databaseListenUrl } : {}),
  ...(databaseMaxConnections ? { databaseMaxConnections } : {}),
  dataDir: databaseUrl || values.memory ? undefined : values['data-dir'],
  host: values.host,
  port,
  bankSecrets,
  ...(metricsToken ? { metricsToken } : {}),
  logger: !values.quiet,
});
if (values.demo) {
  const loaded = await loadDemo(server.ctx.db);
  console.log(loaded ? 'demo data loaded' : 'demo data already present');
  for (const a of DEMO_ACCOUNTS)
    console.log(`  ${a.role.padEnd(13)} ${a.username} / ${a.password}`);
}
console.log(
  `Escrow Desk API listening on ${server.url} (database: ${server.ctx.db.kind}; OpenAPI at ${server.url}/openapi.json)`,
);

const shutdown = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
