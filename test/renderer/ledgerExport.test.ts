import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DeskApi } from '../../shared/contract/types.ts';
import { localDayStart } from '../../shared/merchantTime.ts';
import { HOUR_MS } from '../../shared/time.ts';
import { translatorFor } from '../../renderer/i18n/translate.ts';
import { createAppStores } from '../../renderer/stores/appStores.ts';
import { fenOf } from './csvFen.ts';
import { signedInDesk } from './deskForTests.ts';

/**
 * The ledger export reconciles (issue 14, item 6): against a real desk replicating the demo
 * central API, the CSV's amounts are numbers with the screen's sign, its headers are in the
 * user's language, its times are Shanghai wall clock, and opening + movements = closing, which
 * in turn equals the balances the ledger gives.
 */
let desk: DeskApi;
let cleanup: () => Promise<void>;
before(async () => ({ desk, cleanup } = await signedInDesk()));
after(() => cleanup());

interface CsvLine {
  seq: number;
  time: string;
  account: string;
  amountFen: number;
  balanceAfter: string;
}

function parse(csv: string): { header: string[]; rows: CsvLine[] } {
  const [head, ...body] = csv.trim().split('\r\n');
  // No field of the demo ledger needs quoting; a quoted one would fail the fenOf parse loudly.
  return {
    header: head!.split(','),
    rows: body.map((l) => {
      const f = l.split(',');
      return {
        seq: Number(f[0]),
        time: f[1]!,
        account: f[4]!,
        amountFen: fenOf(f[6]!),
        balanceAfter: f[7]!,
      };
    }),
  };
}

const sumBy = (rows: CsvLine[]) => {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.account, (m.get(r.account) ?? 0) + r.amountFen);
  return m;
};

test('the exported ledger, summed, equals the balances on screen and in the ledger', async () => {
  const { balance } = createAppStores(desk);
  await balance.getState().load();
  const figures = balance.getState().figures!;
  const csv = await balance.getState().exportCsv(translatorFor('zh-CN'));
  assert.ok(csv);
  const { header, rows } = parse(csv);
  assert.deepEqual(header, [
    '序号',
    '时间（Asia/Shanghai）',
    '类型',
    '订单号',
    '账户',
    '币种',
    '金额（元）',
    '变动后余额（元）',
    '交易号',
  ]);
  assert.ok(rows.length > 0);
  // Negative amounts are plain numbers, never defused text.
  assert.doesNotMatch(csv, /'-/);
  const sums = sumBy(rows);
  assert.equal(sums.get('merchant:m-hz-tea:deposit'), figures.depositFen);
  assert.equal(sums.get('merchant:m-hz-tea:available') ?? 0, figures.availableFen);
  // The same figures from the ledger's own balances (normal side: credit +).
  const sheet = await desk.ledger.balances({});
  assert.ok(sheet.ok);
  for (const a of sheet.value.accounts) assert.equal(sums.get(a.account) ?? 0, a.balanceFen);
  // The running balance ends at the closing balance, account by account.
  for (const s of balance.getState().statement) {
    const last = rows.filter((r) => r.account === s.account).at(-1);
    if (last) assert.equal(fenOf(last.balanceAfter), -s.closingFen);
    assert.equal(s.openingFen, 0, 'no period: nothing before it');
  }
});

test('over a period, opening + movements = closing, and each agrees with the ledger lines', async () => {
  const { balance } = createAppStores(desk);
  const all = await desk.ledger.lines({ scope: 'merchant', offset: 0, limit: 1000 });
  assert.ok(all.ok);
  const times = all.value.lines.map((l) => l.at).sort((a, b) => a - b);
  assert.ok(times.length >= 2, 'the demo ledger has lines to split');
  // A period starting between the first and last line, in Shanghai days.
  const fromMs = localDayStart(times[Math.floor(times.length / 2)]!, 'Asia/Shanghai');
  await balance.getState().setFilters({ fromMs });
  const csv = await balance.getState().exportCsv(translatorFor('en'));
  assert.ok(csv);
  const { rows } = parse(csv);
  const statement = balance.getState().statement;
  const movements = sumBy(rows);
  for (const s of statement) {
    // Screen sign in the file; the statement is signed as stored.
    const openingFen: number = all.value.lines
      .filter((l) => l.account === s.account && l.at < fromMs)
      .reduce((sum, l) => sum + l.signedFen, 0);
    const movementFen: number = all.value.lines
      .filter((l) => l.account === s.account && l.at >= fromMs)
      .reduce((sum, l) => sum + l.signedFen, 0);
    assert.equal(s.openingFen, openingFen, s.account);
    assert.equal(s.movementFen, movementFen, s.account);
    assert.equal(-(movements.get(s.account) ?? 0), s.movementFen, s.account);
    assert.equal(s.openingFen + s.movementFen, s.closingFen, s.account);
    const last = rows.filter((r) => r.account === s.account).at(-1);
    if (last) assert.equal(fenOf(last.balanceAfter), -s.closingFen, s.account);
  }
  assert.ok(
    statement.some((s) => s.openingFen !== 0),
    'the period has an opening balance',
  );
});

test("times are the merchant's Shanghai wall clock and history days are Shanghai days", async () => {
  const { balance } = createAppStores(desk);
  await balance.getState().load();
  const csv = await balance.getState().exportCsv(translatorFor('en'));
  assert.ok(csv);
  const { rows } = parse(csv);
  const lines = await desk.ledger.lines({ scope: 'merchant', offset: 0, limit: 1000 });
  assert.ok(lines.ok);
  const first = rows[0]!;
  const at = lines.value.lines.find((l) => l.seq === first.seq)!.at;
  // Shanghai is UTC+8 all year: the wall clock is the UTC one eight hours on.
  const expected = new Date(at + 8 * HOUR_MS).toISOString().slice(0, 19).replace('T', ' ');
  assert.equal(first.time, expected);
  for (const p of balance.getState().history) {
    assert.equal((p.at + 8 * HOUR_MS) % (24 * HOUR_MS), 0, 'a point starts at Shanghai midnight');
  }
});
