// Issue 14 through the desk (contract → host → core worker → central API): refund photos and
// refusal evidence, offline answers, and the shop's time zone with a DST boundary.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDeskHost } from '../../electron/host/deskHost.ts';
import type { DeskHost } from '../../electron/host/deskHost.ts';
import { serverAuthenticator } from '../../electron/host/serverAuthenticator.ts';
import { memoryTokenVault } from '../../electron/host/sessionTypes.ts';
import { ManualClock } from '../../server/clock.ts';
import { storeEvidence } from '../../server/evidence/evidenceStore.ts';
import { runCommand } from '../../server/escrow/runCommand.ts';
import { readOrder } from '../../server/escrow/orderRows.ts';
import { startServer } from '../../server/startServer.ts';
import type { RunningServer } from '../../server/startServer.ts';
import type { Actor, EscrowCommand } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { CORE_WORKER_SOURCE, unwrap } from '../shell/deskHostFixture.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';
import {
  BANK_SECRETS,
  FEE_BPS,
  openTestDatabase,
  PASSWORD,
  seedPlatform,
} from '../server/testServer.ts';
import type { TestDatabase } from '../server/testServer.ts';

const dir = mkdtempSync(join(tmpdir(), 'desk-refund-files-'));
const clock = new ManualClock(Date.now());
let tdb: TestDatabase;
let server: RunningServer | null = null;
let host: DeskHost;

const buyer: Actor = { role: 'buyer', userId: 'b1' };
const bank: Actor = { role: 'bank', userId: 'bank:icbc' };
const act = async (actor: Actor, command: EscrowCommand) => {
  const r = await runCommand(tdb.db, { commandId: uuidv7(clock.now()), actor, command }, clock);
  assert.ok(r.ok, JSON.stringify(r));
};
async function paid(orderId: string, amountFen: number): Promise<void> {
  await act(buyer, {
    type: 'create_order',
    orderId,
    merchantId: 'm1',
    buyerId: 'b1',
    currency: 'CNY',
    amountFen,
    feeBps: FEE_BPS,
    goodsKind: 'express',
    item: { title: '龙井', quantity: 1 },
    recipient: TEST_RECIPIENT,
  });
  await act(bank, {
    type: 'confirm_payment',
    orderId,
    bank: 'icbc',
    bankRef: `ref-${orderId}`,
    currency: 'CNY',
    amountFen,
  });
}

/** A JPEG whose EXIF names where it was taken. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x12]),
  Buffer.from('Exif\0\0GPS 30.27N', 'latin1'),
  Buffer.from([0xff, 0xda, 0x00, 0x04, 0x01, 0x00, 0xab, 0xcd, 0xff, 0xd9]),
]);
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const LA_MAR_6 = Date.UTC(2026, 2, 6, 8); // 00:00 PST
const HOUR = 3_600_000;

before(async () => {
  tdb = await openTestDatabase('desk_refund_files');
  await seedPlatform(tdb.db);
  // Two payments either side of LA's spring-forward night (2026-03-08 02:00 PST → 03:00 PDT):
  // 07:30Z on the 8th is still the 7th in LA; 07:30Z on the 9th is 00:30 PDT on the 9th.
  clock.set(Date.UTC(2026, 2, 8, 7, 30));
  await paid('o-la-1', 10_000);
  clock.set(Date.UTC(2026, 2, 9, 7, 30));
  await paid('o-la-2', 20_000);
  clock.set(Date.now());
  await paid('o-photo', 30_000);
  const photo = await storeEvidence(tdb.db, { name: '罐子.jpg', content: JPEG }, 'b1', clock.now());
  await act(buyer, {
    type: 'request_refund',
    orderId: 'o-photo',
    refundId: 'r-photo',
    kind: 'refund_only',
    amountFen: 30_000,
    reason: '罐子压扁了',
    evidence: [photo],
  });
  server = await startServer({
    db: tdb.db,
    clock,
    port: 0,
    timerIntervalMs: false,
    bankSecrets: BANK_SECRETS,
    loginLimits: { perIpPerMinute: 100_000 },
    maxConnectionsPerAddress: 100_000,
  });
  const url = server.url;
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

async function signIn(username: string): Promise<void> {
  await host.call('session.signOut', {});
  unwrap(await host.call('session.signIn', { username, password: PASSWORD }));
  unwrap(await host.call('sync.now', {}));
}

type Row = { orderId: string; refund: { refundId: string; reason: string; photos: unknown[] } };

test('the queue shows the reason and photo count from the replica; the photo comes from the server', async () => {
  await signIn('staff1');
  const queue = unwrap<{ rows: Row[] }>(
    await host.call('orders.search', { queue: 'open_refunds', offset: 0, limit: 50 }),
  );
  const row = queue.rows.find((r) => r.orderId === 'o-photo');
  assert.equal(row?.refund.reason, '罐子压扁了');
  assert.equal(row?.refund.photos.length, 1);
  const photo = row!.refund.photos[0] as { sha256: string };
  const file = unwrap<{ mime: string; name: string; base64: string }>(
    await host.call('refunds.file', {
      orderId: 'o-photo',
      refundId: 'r-photo',
      sha256: photo.sha256,
    }),
  );
  assert.equal(file.mime, 'image/jpeg');
  assert.equal(file.name, '罐子.jpg');
  const bytes = Buffer.from(file.base64, 'base64');
  assert.equal(bytes.includes('GPS'), false, 'the seller never receives where it was taken');
  assert.ok(bytes.includes(Buffer.from([0xab, 0xcd, 0xff, 0xd9])));

  // Another merchant's staff: the same answer as for a file that does not exist.
  await signIn('staff2');
  const other = await host.call('refunds.file', {
    orderId: 'o-photo',
    refundId: 'r-photo',
    sha256: photo.sha256,
  });
  assert.equal(other.ok, false);
  assert.equal(!other.ok && other.error.code, 'not_found');
});

test('refusing with evidence uploads first and commits the refusal with its files', async () => {
  await signIn('staff1');
  const up = unwrap<{
    evidence: { sha256: string; name: string; sizeBytes: number; mime: string };
  }>(
    await host.call('refunds.uploadEvidence', {
      name: '签收单.pdf',
      mime: 'image/png',
      base64: PDF.toString('base64'),
    }),
  );
  assert.equal(up.evidence.mime, 'application/pdf', 'typed by its bytes, not the claim');
  unwrap(
    await host.call('refunds.refuse', {
      commandId: uuidv7(),
      orderId: 'o-photo',
      refundId: 'r-photo',
      reason: '商品与描述相符',
      evidence: [up.evidence],
    }),
  );
  unwrap(await host.call('sync.now', {}));
  const onServer = await readOrder(tdb.db, 'o-photo');
  const refund = onServer?.refunds[0];
  assert.equal(refund?.status, 'refused');
  assert.deepEqual(refund?.sellerEvidence, [up.evidence]);
});

test('a shop in Los Angeles gets its own days across the DST change, also offline', async () => {
  await signIn('staff1');
  const before = unwrap<{ timeZone: string; fromServer: boolean }>(
    await host.call('merchant.settings', {}),
  );
  assert.deepEqual(before, { timeZone: 'Asia/Shanghai', fromServer: true });
  const refused = await host.call('merchant.setTimeZone', { timeZone: 'America/Los_Angeles' });
  assert.equal(!refused.ok && refused.error.code, 'forbidden', 'staff cannot change it');

  await signIn('admin1');
  const bad = await host.call('merchant.setTimeZone', { timeZone: 'Mars/Olympus' });
  assert.equal(bad.ok, false);
  unwrap(await host.call('merchant.setTimeZone', { timeZone: 'America/Los_Angeles' }));

  await signIn('staff1');
  const zone = unwrap<{ timeZone: string }>(await host.call('merchant.settings', {})).timeZone;
  assert.equal(zone, 'America/Los_Angeles', 'every desk of the shop gets the zone');
  const history = unwrap<{ points: { at: number; heldFen: number }[] }>(
    await host.call('ledger.history', {
      fromMs: LA_MAR_6,
      toMs: Date.UTC(2026, 2, 10, 7),
      timeZone: zone,
    }),
  );
  // Local midnights: 08:00Z while on PST, 07:00Z from the 9th; the 8th has 23 hours.
  assert.deepEqual(
    history.points.map((p) => p.at),
    [LA_MAR_6, LA_MAR_6 + 24 * HOUR, LA_MAR_6 + 48 * HOUR, LA_MAR_6 + 71 * HOUR],
  );
  // 07:30Z on the 8th is the evening of the 7th in Los Angeles.
  assert.deepEqual(
    history.points.map((p) => p.heldFen),
    [0, 10_000, 10_000, 30_000],
  );
  const shanghai = unwrap<{ points: { at: number; heldFen: number }[] }>(
    await host.call('ledger.history', {
      fromMs: Date.UTC(2026, 2, 5, 16),
      toMs: Date.UTC(2026, 2, 9, 16),
      timeZone: 'Asia/Shanghai',
    }),
  );
  assert.deepEqual(
    shanghai.points.map((p) => p.heldFen),
    [0, 0, 10_000, 30_000],
    'the same payments fall on other days in Shanghai',
  );

  // Offline: the zone stays the shop's (kept in the replica); files say they need the server.
  await server?.close();
  server = null;
  const offline = unwrap<{ timeZone: string; fromServer: boolean }>(
    await host.call('merchant.settings', {}),
  );
  assert.deepEqual(offline, { timeZone: 'America/Los_Angeles', fromServer: false });
  const upload = await host.call('refunds.uploadEvidence', {
    name: 'x.pdf',
    mime: 'application/pdf',
    base64: PDF.toString('base64'),
  });
  assert.equal(!upload.ok && upload.error.code, 'evidence_needs_connection');
  const file = await host.call('refunds.file', {
    orderId: 'o-photo',
    refundId: 'r-photo',
    sha256: 'a'.repeat(64),
  });
  assert.equal(!file.ok && file.error.code, 'evidence_needs_connection');
});
