// Platform administration, run by an operator (not exposed over HTTP):
//   npm run api:admin -- fund-guarantee --amount-fen 100000000 --bank icbc --id fund-2026-01 [--shard n]
//   npm run api:admin -- record-deposit --merchant m1 --amount-fen 5000000 --bank icbc --id dep-m1-1
//   npm run api:admin -- add-merchant --merchant m1 --name "杭州茶庄" --fee-bps 60
//   printf '%s' "$PW" | npm run api:admin -- add-user --user u1 --username alice --role seller_staff --merchant m1 --password-stdin
//   ESCROW_USER_PASSWORD=… npm run api:admin -- add-user --user u1 --username alice --role buyer
//   npm run api:admin -- unlock-user --username alice          (lifts a login lockout; audited)
//   npm run api:admin -- revoke-sessions --username alice      (signs the user out everywhere; audited)
//   npm run api:admin -- purge-sessions                        (deletes expired sessions)
//   npm run api:admin -- load-waybill-segment --carrier sf --first 1 --last 100000 --id sf-2026-01
//   npm run api:admin -- waybill-segments                      (what is loaded, what is left)
// Passwords never come from the command line (other users of the machine can read it): from
// stdin with --password-stdin, or from ESCROW_USER_PASSWORD. A bad argument is one line on
// stderr and exit code 2; a refusal exit code 1.
// Uses DATABASE_URL, else the PGlite directory --data-dir (default .data/api; stop the server
// first: PGlite allows one process per directory). Funding ids make each posting idempotent.
import { parseArgs } from 'node:util';
import { isDeskError } from '../../shared/errors.ts';
import { unlockUser } from '../auth/loginGuard.ts';
import { purgeExpiredSessions, revokeSessions } from '../auth/sessions.ts';
import { createMerchant, createUser, USER_ROLES } from '../auth/users.ts';
import type { UserRole } from '../auth/users.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/openDatabase.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../ledger/platformFunding.ts';
import { appendSecurityAudit } from '../security/securityAudit.ts';
import { listWaybillSegments, loadWaybillSegment } from '../shipping/waybillSegments.ts';

const COMMANDS = [
  'fund-guarantee',
  'record-deposit',
  'add-merchant',
  'add-user',
  'unlock-user',
  'revoke-sessions',
  'purge-sessions',
  'load-waybill-segment',
  'waybill-segments',
] as const;

/** A mistake in how the CLI was called: one line, exit code 2. */
class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

function parse(argv: string[]): { command: string; values: Values } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string', default: '.data/api' },
        'amount-fen': { type: 'string' },
        bank: { type: 'string', default: 'icbc' },
        shard: { type: 'string' },
        id: { type: 'string' },
        merchant: { type: 'string' },
        name: { type: 'string' },
        'fee-bps': { type: 'string' },
        user: { type: 'string' },
        username: { type: 'string' },
        role: { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        carrier: { type: 'string' },
        first: { type: 'string' },
        last: { type: 'string' },
      },
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (
      /--password\b/.test(message) ||
      argv.some((a) => a.startsWith('--password=') || a === '--password')
    )
      throw new UsageError(
        '--password is not accepted on the command line: pipe it with --password-stdin or set ESCROW_USER_PASSWORD',
      );
    // parseArgs reads "--amount-fen -5" as a missing value followed by an option "-5".
    if (message.includes("'--amount-fen'"))
      throw new UsageError('--amount-fen must be a positive whole number of fen');
    throw new UsageError(message.split('\n')[0] ?? message);
  }
  const command = parsed.positionals[0] ?? '';
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`usage: cli.ts ${COMMANDS.join('|')} [options]`);
  if (parsed.positionals.length > 1)
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[1])}`);
  return { command, values: parsed.values };
}

function need(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** Integer fen from the command line; parsed strictly, never through floats. */
function fenArg(values: Values): number {
  const text = need(values, 'amount-fen');
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0)
    throw new UsageError('--amount-fen must be a positive whole number of fen');
  return Number(text);
}

function feeBpsArg(values: Values): number {
  const text = need(values, 'fee-bps');
  if (!/^\d{1,5}$/.test(text) || Number(text) > 10_000)
    throw new UsageError('--fee-bps must be a whole number from 0 to 10000');
  return Number(text);
}

async function readPassword(values: Values): Promise<string> {
  let text: string | undefined;
  if (values['password-stdin'] === true) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  } else {
    text = process.env.ESCROW_USER_PASSWORD;
  }
  if (!text)
    throw new UsageError(
      'give the password on stdin with --password-stdin, or in ESCROW_USER_PASSWORD',
    );
  return text;
}

async function userIdOf(db: Database, username: string): Promise<string> {
  const r = await db.query<{ user_id: string }>('SELECT user_id FROM users WHERE username = $1', [
    username,
  ]);
  const id = r.rows[0]?.user_id;
  if (!id) throw new UsageError(`no user ${JSON.stringify(username)}`);
  return id;
}

/** What a command does to the database, once its arguments have all been checked. */
type Action = (db: Database) => Promise<string>;

/**
 * Checks every argument of `command` (and reads the password) before anything opens the
 * database: a mistyped call answers at once, and never creates or migrates a data folder.
 */
async function prepare(command: string, values: Values): Promise<Action> {
  const now = Date.now();
  switch (command) {
    case 'fund-guarantee': {
      // Without --shard the amount is spread over every shard's guarantee-fund sub-account;
      // with it, that shard alone is topped up (docs/partitioning.md).
      const shard = values.shard === undefined ? undefined : Number(values.shard);
      const funding = {
        fundingId: need(values, 'id'),
        amountFen: fenArg(values),
        bank: need(values, 'bank'),
        at: now,
        ...(shard === undefined ? {} : { shard }),
      };
      return async (db) =>
        (await fundGuaranteeFund(db, funding))
          ? 'guarantee fund credited'
          : 'already posted (same --id)';
    }
    case 'record-deposit': {
      const deposit = {
        fundingId: need(values, 'id'),
        merchantId: need(values, 'merchant'),
        amountFen: fenArg(values),
        bank: need(values, 'bank'),
        at: now,
      };
      return async (db) =>
        (await recordMerchantDeposit(db, deposit))
          ? 'deposit recorded'
          : 'already posted (same --id)';
    }
    case 'add-merchant': {
      const merchant = {
        merchantId: need(values, 'merchant'),
        name: need(values, 'name'),
        feeBps: feeBpsArg(values),
      };
      return async (db) => {
        await createMerchant(db, merchant, now);
        return 'merchant added';
      };
    }
    case 'add-user': {
      const role = need(values, 'role') as UserRole;
      if (!USER_ROLES.includes(role))
        throw new UsageError(`--role must be one of ${USER_ROLES.join(', ')}`);
      const merchant = values.merchant;
      const name = values.name;
      const user = {
        userId: need(values, 'user'),
        username: need(values, 'username'),
        displayName: typeof name === 'string' ? name : need(values, 'username'),
        password: await readPassword(values),
        role,
        ...(typeof merchant === 'string' ? { merchantId: merchant } : {}),
      };
      return async (db) => {
        await createUser(db, user, now);
        return 'user added';
      };
    }
    case 'unlock-user': {
      const username = need(values, 'username');
      return async (db) => {
        if (!(await unlockUser(db, username, 'admin-cli', now)))
          throw new UsageError(`no user ${JSON.stringify(username)}`);
        return 'user unlocked';
      };
    }
    case 'revoke-sessions': {
      const username = need(values, 'username');
      return async (db) => {
        const userId = await userIdOf(db, username);
        const n = await revokeSessions(db, userId);
        await appendSecurityAudit(db, {
          at: now,
          actor: 'admin-cli',
          action: 'sessions_revoked',
          subject: userId,
          detail: { sessions: n },
        });
        return `${n} session(s) revoked`;
      };
    }
    case 'load-waybill-segment': {
      const serial = (name: string) => {
        const text = need(values, name);
        if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--${name} must be a whole number`);
        return Number(text);
      };
      const segment = {
        segmentId: need(values, 'id'),
        carrier: need(values, 'carrier'),
        firstSerial: serial('first'),
        lastSerial: serial('last'),
      };
      return async (db) =>
        (await loadWaybillSegment(db, segment, 'admin-cli', now)) === 'loaded'
          ? 'segment loaded'
          : 'already loaded (same --id)';
    }
    case 'waybill-segments':
      return async (db) =>
        (await listWaybillSegments(db))
          .map(
            (s) =>
              `${s.carrier}\t${s.segmentId}\t${s.firstSerial}-${s.lastSerial}\t${s.remaining} left`,
          )
          .join('\n');
    case 'purge-sessions':
      return async (db) => `${await purgeExpiredSessions(db, now)} expired session(s) deleted`;
    default:
      throw new UsageError(`usage: cli.ts ${COMMANDS.join('|')} [options]`);
  }
}

async function main(): Promise<number> {
  let db: Database | null = null;
  try {
    const { command, values } = parse(process.argv.slice(2));
    const action = await prepare(command, values);
    const dataDir = values['data-dir'];
    db = await openDatabase({
      url: process.env.DATABASE_URL || undefined,
      dataDir: process.env.DATABASE_URL
        ? undefined
        : typeof dataDir === 'string'
          ? dataDir
          : undefined,
    });
    console.log(await action(db));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    console.error(
      isDeskError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e),
    );
    return 1;
  } finally {
    await db?.close();
  }
}

process.exitCode = await main();
