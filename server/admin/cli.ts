// Platform administration, run by an operator (not exposed over HTTP):
//   npm run api:admin -- fund-guarantee --amount-fen 100000000 --bank icbc --id fund-2026-01
//   npm run api:admin -- record-deposit --merchant m1 --amount-fen 5000000 --bank icbc --id dep-m1-1
//   npm run api:admin -- add-merchant --merchant m1 --name "杭州茶庄" --fee-bps 60
//   npm run api:admin -- add-user --user u1 --username alice --password '…' --role seller_staff --merchant m1
// Uses DATABASE_URL, else the PGlite directory --data-dir (default .data/api; stop the server
// first: PGlite allows one process per directory). Funding ids make each posting idempotent.
import { parseArgs } from 'node:util';
import { isDeskError } from '../../shared/errors.ts';
import { createMerchant, createUser, USER_ROLES } from '../auth/users.ts';
import type { UserRole } from '../auth/users.ts';
import { openDatabase } from '../db/openDatabase.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../ledger/platformFunding.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'data-dir': { type: 'string', default: '.data/api' },
    'amount-fen': { type: 'string' },
    bank: { type: 'string', default: 'icbc' },
    id: { type: 'string' },
    merchant: { type: 'string' },
    name: { type: 'string' },
    'fee-bps': { type: 'string' },
    user: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    role: { type: 'string' },
  },
});

function need(name: keyof typeof values): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new Error(`--${name} is required`);
  return v;
}

/** Integer fen from the command line; parsed strictly, never through floats. */
function fenArg(): number {
  const text = need('amount-fen');
  if (!/^\d{1,15}$/.test(text)) throw new Error('--amount-fen must be a whole number of fen');
  return Number(text);
}

const db = await openDatabase({
  url: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATABASE_URL ? undefined : values['data-dir'],
});
try {
  const now = Date.now();
  switch (positionals[0]) {
    case 'fund-guarantee': {
      const posted = await fundGuaranteeFund(db, {
        fundingId: need('id'),
        amountFen: fenArg(),
        bank: need('bank'),
        at: now,
      });
      console.log(posted ? 'guarantee fund credited' : 'already posted (same --id)');
      break;
    }
    case 'record-deposit': {
      const posted = await recordMerchantDeposit(db, {
        fundingId: need('id'),
        merchantId: need('merchant'),
        amountFen: fenArg(),
        bank: need('bank'),
        at: now,
      });
      console.log(posted ? 'deposit recorded' : 'already posted (same --id)');
      break;
    }
    case 'add-merchant':
      await createMerchant(
        db,
        { merchantId: need('merchant'), name: need('name'), feeBps: Number(need('fee-bps')) },
        now,
      );
      console.log('merchant added');
      break;
    case 'add-user': {
      const role = need('role') as UserRole;
      if (!USER_ROLES.includes(role))
        throw new Error(`--role must be one of ${USER_ROLES.join(', ')}`);
      await createUser(
        db,
        {
          userId: need('user'),
          username: need('username'),
          displayName: values.name ?? need('username'),
          password: need('password'),
          role,
          ...(values.merchant ? { merchantId: values.merchant } : {}),
        },
        now,
      );
      console.log('user added');
      break;
    }
    default:
      console.error('usage: cli.ts fund-guarantee|record-deposit|add-merchant|add-user [options]');
      process.exitCode = 2;
  }
} catch (e) {
  console.error(isDeskError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await db.close();
}
