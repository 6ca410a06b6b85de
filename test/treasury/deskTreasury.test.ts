import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { uuidv7 } from '../../shared/ids.ts';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { loadDemo } from '../../server/demo/loadDemo.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import { CORE_WORKER_SOURCE, signInAs, unwrap } from '../shell/deskHostFixture.ts';
import { BANK_SECRETS, openTestDatabase } from '../server/testServer.ts';
import type { TestDatabase } from '../server/testServer.ts';
import { camt053 } from './statementFiles.ts';

/**
 * The treasury through the desk (contract → host → core worker → central API): a seller admin
 * enters a payout account and withdraws; offline, the withdrawal queues in the desk's withdrawal
 * outbox and is sent once the server is back, once (the server keys it by the request key);
 * staff see the account masked and cannot withdraw; finance reads the reconciliation overview.
 */
const dir = mkdtempSync(join(tmpdir(), 'desk-treasury-'));
let tdb: TestDatabase;
let server: RunningServer | null = null;
let port = 0;
let host: DeskHost;

async function startApi(): Promise<void> {
  server = await startServer({
    db: tdb.db,
    port,
    timerIntervalMs: false,
    bankSecrets: BANK_SECRETS,
    // The cooling-off has its own server test; here the account is usable at once.
    treasuryPolicy: { coolingOffMs: 0 },
    loginLimits: { perIpPerMinute: 100_000 },
    maxConnectionsPerAddress: 100_000,
  });
  port = Number(new URL(server.url).port);
}

before(async () => {
  tdb = await openTestDatabase('desk_treasury');
  await loadDemo(tdb.db);
  await startApi();
  const url = server?.url ?? '';
  host = createDeskHost({
    core: { workerEntry: CORE_WORKER_SOURCE, workerData: { dataDir: dir } },
    settingsFile: null,
    authenticatorFor: () => serverAuthenticator(url),
    vault: memoryTokenVault(),
  });
});

after(async () => {
  await host?.close();
  await server?.close();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

type W = { requestKey: string; withdrawalId: string | null; status: string; amountFen: number };

test('a seller admin withdraws; offline it queues on the desk and is sent once, on its own, when back', async () => {
  await signInAs(host, 'admin1');
  const set = await host.call('treasury.setPayoutAccount', {
    accountName: '杭州西湖龙井茶庄',
    bankName: '中国工商银行杭州分行',
    accountNo: '6222 0212 3456 7890',
  });
  assert.equal(set.ok, true, JSON.stringify(set));
  const accounts = unwrap<{ accounts: { accountNo: string; state: string }[] }>(
    await host.call('treasury.payoutAccounts', {}),
  );
  assert.equal(accounts.accounts[0]?.accountNo, '6222021234567890', 'in full to its author');

  const online = unwrap<{ withdrawal: W }>(
    await host.call('treasury.withdraw', { requestKey: uuidv7(), amountFen: 1_000 }),
  );
  assert.equal(online.withdrawal.status, 'requested');

  await server?.close();
  server = null;
  const key = uuidv7();
  const queued = unwrap<{ withdrawal: W }>(
    await host.call('treasury.withdraw', { requestKey: key, amountFen: 2_000 }),
  );
  assert.equal(queued.withdrawal.status, 'queued');
  const offline = unwrap<{ withdrawals: W[]; offline: boolean }>(
    await host.call('treasury.withdrawals', {}),
  );
  assert.equal(offline.offline, true);
  assert.deepEqual(
    offline.withdrawals.map((w) => [w.requestKey, w.status]),
    [[key, 'queued']],
  );

  // Queued, it is an unsent action like a queued ship: the badge and sign-out count it.
  const pending = unwrap<{ pendingMutations: number }>(await host.call('sync.status', {}));
  assert.equal(pending.pendingMutations, 1);

  await startApi();
  // The round that reaches the server sends the queued withdrawal, without being asked.
  const synced = unwrap<{ pendingMutations: number }>(await host.call('sync.now', {}));
  assert.equal(synced.pendingMutations, 0);
  const sentRows = await tdb.db.query('SELECT 1 FROM withdrawals WHERE request_key = $1', [key]);
  assert.equal(sentRows.rowCount, 1);
  const back = unwrap<{ withdrawals: W[]; offline: boolean }>(
    await host.call('treasury.withdrawals', {}),
  );
  assert.equal(back.offline, false);
  const sent = back.withdrawals.find((w) => w.requestKey === key);
  assert.equal(sent?.status, 'requested');
  // The user presses again with the same request: the same withdrawal, never a second.
  const again = unwrap<{ withdrawal: W }>(
    await host.call('treasury.withdraw', { requestKey: key, amountFen: 2_000 }),
  );
  assert.equal(again.withdrawal.withdrawalId, sent?.withdrawalId);
  const rows = await tdb.db.query('SELECT 1 FROM withdrawals WHERE request_key = $1', [key]);
  assert.equal(rows.rowCount, 1);

  const tooMuch = await host.call('treasury.withdraw', {
    requestKey: uuidv7(),
    amountFen: 9_000_000_000,
  });
  assert.equal(tooMuch.ok, false);
  assert.ok(
    !tooMuch.ok && ['insufficient_funds', 'withdrawal_limit_exceeded'].includes(tooMuch.error.code),
  );
  unwrap(await host.call('session.signOut', {}));
});

test('staff see the payout account masked and cannot withdraw; finance sees the overview', async () => {
  await signInAs(host, 'staff1');
  const accounts = unwrap<{ accounts: { accountNo: string; masked: boolean }[] }>(
    await host.call('treasury.payoutAccounts', {}),
  );
  assert.equal(accounts.accounts[0]?.accountNo, '•••• 7890');
  const refused = await host.call('treasury.withdraw', { requestKey: uuidv7(), amountFen: 1_000 });
  assert.equal(!refused.ok && refused.error.code, 'forbidden');
  const overview = await host.call('treasury.overview', {});
  assert.equal(!overview.ok && overview.error.code, 'forbidden');
  unwrap(await host.call('session.signOut', {}));

  await signInAs(host, 'finance.wu');
  const o = unwrap<{ withdrawals: { requested: number } }>(
    await host.call('treasury.overview', {}),
  );
  assert.equal(o.withdrawals.requested, 2);
  const x = unwrap<{ exceptions: unknown[] }>(await host.call('treasury.exceptions', {}));
  assert.deepEqual(x.exceptions, []);
  const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const file = camt053({
    statementRef: `DESK-${date}`,
    date,
    openingFen: 0,
    lines: [{ bookedAt: Date.now(), amountFen: 6_600, bankRef: 'ICBC-NO-NOTICE-DESK' }],
  });
  const base64 = Buffer.from(file).toString('base64');
  const imported = unwrap<{ statement: { lineCount: number; duplicate: boolean } }>(
    await host.call('treasury.importStatement', { bank: 'icbc', format: 'camt053', base64 }),
  );
  assert.deepEqual([imported.statement.lineCount, imported.statement.duplicate], [1, false]);
  const again = unwrap<{ statement: { duplicate: boolean } }>(
    await host.call('treasury.importStatement', { bank: 'icbc', format: 'camt053', base64 }),
  );
  assert.equal(again.statement.duplicate, true);
  const open = unwrap<{ exceptions: { kind: string; bankRef: string }[] }>(
    await host.call('treasury.exceptions', { status: 'open' }),
  );
  assert.ok(
    open.exceptions.some((e) => e.kind === 'unknown_line' && e.bankRef === 'ICBC-NO-NOTICE-DESK'),
  );
  const pdf = unwrap<{ base64: string }>(
    await host.call('treasury.report', {
      statementId: (open.exceptions[0] as unknown as { statementId: string }).statementId,
      format: 'pdf',
      lang: 'en',
    }),
  );
  assert.equal(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString(), '%PDF-');
  unwrap(await host.call('session.signOut', {}));
});
