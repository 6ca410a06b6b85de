import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  JsonTooDeepError,
  MAX_JSON_DEPTH,
  canonicalJson,
} from '../../../shared/ledger/canonicalJson.ts';
import {
  GENESIS_HASH,
  chainBody,
  chainBodyByDefinition,
  chainHash,
} from '../../../shared/ledger/chainHash.ts';
import type { ChainedTransaction } from '../../../shared/ledger/chainHash.ts';
import { chainLegs, parseChainLegs } from '../../../shared/ledger/chainLegs.ts';
import { isCommandId } from '../../../shared/ledger/commandIds.ts';
import { createJournalVerifier, joinJournalParts } from '../../../shared/ledger/verifyJournal.ts';
import type { JournalTransaction } from '../../../shared/ledger/verifyJournal.ts';

const sha256 = (text: string) => hash('sha256', text, 'hex');

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe('canonical JSON', () => {
  test('equal values serialise equally whatever the key order; undefined members are dropped', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é"' }, u: undefined }),
      canonicalJson({ a: { c: 'é"', d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    assert.equal(canonicalJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
  });

  test('nesting is bounded before it can overflow the stack: a permanent, typed refusal', () => {
    assert.doesNotThrow(() => canonicalJson(nested(MAX_JSON_DEPTH - 1)));
    assert.throws(() => canonicalJson(nested(MAX_JSON_DEPTH + 1)), JsonTooDeepError);
    // 5,000 levels (the review's attack) and far beyond: refused, never a RangeError.
    assert.throws(() => canonicalJson(nested(5_000)), JsonTooDeepError);
    assert.throws(() => canonicalJson(nested(200_000)), JsonTooDeepError);
  });
});

describe('command ids', () => {
  test('one rule: 1–100 of letters, digits and :_.-', () => {
    assert.ok(isCommandId('0190a000-0000-7000-8000-00000000abcd'));
    assert.ok(isCommandId('pay:icbc.1_2'));
    for (const bad of ['', 'x'.repeat(101), 'a b', 'a\u0000', 'é', 42, null])
      assert.equal(isCommandId(bad), false, JSON.stringify(bad));
  });
});

const txnArb: fc.Arbitrary<ChainedTransaction> = fc.record({
  shard: fc.integer({ min: 0, max: 63 }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  txnId: fc.string({ maxLength: 40 }),
  commandId: fc.string({ maxLength: 40 }),
  kind: fc.constantFrom('payment_confirmed', 'escrow_release', 'compensation', 'recovery'),
  at: fc.integer({ min: 0, max: 2 ** 45 }),
  currency: fc.constantFrom('CNY', 'USD'),
  orderId: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  legs: fc.array(
    fc.record({
      account: fc.string({ unit: 'grapheme', maxLength: 30 }),
      amountFen: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    }),
    { minLength: 2, maxLength: 6 },
  ),
});

describe('the transaction hash', () => {
  test('the written-out body is exactly canonicalJson of the hashed fields', () => {
    fc.assert(
      fc.property(txnArb, (t) => chainBody(t) === chainBodyByDefinition(t)),
      { numRuns: 2_000, seed: 1_111 },
    );
  });

  test('covers every field and the previous hash', () => {
    const t: ChainedTransaction = {
      shard: 3,
      seq: 1,
      txnId: 't1',
      commandId: 'c1',
      kind: 'payment_confirmed',
      at: 5,
      currency: 'CNY',
      orderId: 'o1',
      legs: [
        { account: 'platform:bank:icbc', amountFen: 100 },
        { account: 'escrow:order:o1', amountFen: -100 },
      ],
    };
    const h = chainHash(GENESIS_HASH, t, sha256);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.notEqual(chainHash('1'.repeat(64), t, sha256), h);
    assert.notEqual(chainHash(GENESIS_HASH, { ...t, at: 6 }, sha256), h);
    assert.notEqual(chainHash(GENESIS_HASH, { ...t, shard: 4 }, sha256), h, 'the shard is hashed');
    assert.notEqual(
      chainHash(GENESIS_HASH, { ...t, legs: [t.legs[1]!, t.legs[0]!] }, sha256),
      h,
      'leg order is part of what was posted',
    );
  });
});

/** A clean journal of payments into escrow and releases, chained from genesis. */
function journal(n: number, shard = 0): JournalTransaction[] {
  const rows: JournalTransaction[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const orderId = `o${Math.ceil(seq / 2)}`;
    const legs =
      seq % 2
        ? [
            { account: 'platform:bank:icbc', amountFen: 1_000 },
            { account: `escrow:order:${orderId}`, amountFen: -1_000 },
          ]
        : [
            { account: `escrow:order:${orderId}`, amountFen: 1_000 },
            { account: 'merchant:m1:available', amountFen: -1_000 },
          ];
    const body = {
      shard,
      seq,
      txnId: `t${seq}`,
      commandId: `c${seq}`,
      kind: seq % 2 ? 'payment_confirmed' : 'escrow_release',
      at: seq,
      currency: 'CNY',
      orderId,
      legs,
    };
    const h = chainHash(prev, body, sha256);
    rows.push({ ...body, prevHash: prev, hash: h });
    prev = h;
  }
  return rows;
}

function verify(rows: JournalTransaction[], contiguous = true) {
  const v = createJournalVerifier({ sha256, contiguous });
  for (const r of rows) v.add(r);
  return v;
}

describe('legs as the chain writes them', () => {
  const legsArb = txnArb.map((t) => t.legs);
  const plainLegsArb = fc.array(
    fc.record({
      account: fc.stringMatching(/^[a-z0-9_.:-]{1,40}$/),
      amountFen: fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }),
    }),
    { minLength: 2, maxLength: 6 },
  );

  test('chainLegs text reads back as the same legs, and hashes as the legs do', () => {
    fc.assert(
      fc.property(plainLegsArb, (legs) => {
        const plain = legs.map(({ account, amountFen }) => ({ account, amountFen }));
        assert.deepEqual(parseChainLegs(chainLegs(legs)), plain);
      }),
      { numRuns: 1_000, seed: 7 },
    );
    fc.assert(
      fc.property(txnArb, (t) => {
        const text = chainLegs(t.legs);
        assert.equal(
          text,
          JSON.stringify(t.legs.map((l) => ({ account: l.account, amountFen: l.amountFen }))),
        );
        assert.equal(chainHash(GENESIS_HASH, t, sha256, text), chainHash(GENESIS_HASH, t, sha256));
      }),
      { numRuns: 1_000, seed: 8 },
    );
  });

  test('whatever it accepts, JSON.parse reads the same and chainLegs writes back the same text', () => {
    fc.assert(
      fc.property(legsArb, (legs) => {
        const text = chainLegs(legs);
        const read = parseChainLegs(text);
        if (read) assert.deepEqual(read, JSON.parse(text));
      }),
      { numRuns: 2_000, seed: 9 },
    );
    // Texts near the chain's own form: a character or two changed anywhere.
    const text = '[{"account":"escrow:order:o1","amountFen":-120},{"account":"a","amountFen":0}]';
    const variants = fc.tuple(
      fc.nat(text.length - 1),
      fc.constantFrom('', ' ', '"', '\\', '0', '-', '1', 'e', ',', '}', '{', '\u0001', '\ud800'),
    );
    fc.assert(
      fc.property(variants, ([at, put]) => {
        const edited = text.slice(0, at) + put + text.slice(at + 1);
        const read = parseChainLegs(edited);
        if (!read) return;
        assert.deepEqual(read, JSON.parse(edited));
        assert.equal(chainLegs(read), edited);
      }),
      { numRuns: 3_000, seed: 10 },
    );
  });

  test('any other form is left to JSON.parse', () => {
    for (const other of [
      '',
      '[',
      '[{"amountFen":1,"account":"a"}]',
      '[{"account": "a","amountFen":1}]',
      '[{"account":"a\\"","amountFen":1}]',
      '[{"account":"a\u0001","amountFen":1}]',
      '[{"account":"a","amountFen":01}]',
      '[{"account":"a","amountFen":-0}]',
      '[{"account":"a","amountFen":1e3}]',
      '[{"account":"a","amountFen":1.5}]',
      '[{"account":"a","amountFen":1234567890123456}]',
      '[{"account":"a","amountFen":1},]',
      '[{"account":"a","amountFen":1,"memo":"x"}]',
    ])
      assert.equal(parseChainLegs(other), null, other);
    assert.deepEqual(parseChainLegs('[]'), []);
  });
});

describe('a verify split into parts', () => {
  // Two shards' chains, then damage of every kind the chain catches, anywhere, including at
  // the cuts; rows come as the replica's query returns them.
  const base = [...journal(12, 0), ...journal(9, 5)];
  const damage = fc.array(
    fc.tuple(
      fc.nat(base.length - 1),
      fc.constantFrom('drop', 'leg', 'prev', 'hash', 'seq', 'nowhere'),
    ),
    { maxLength: 3 },
  );
  const damaged = (edits: Array<[number, string]>): JournalTransaction[] => {
    const rows = [...base];
    for (const [i, kind] of edits) {
      if (i >= rows.length) continue;
      const r = rows[i]!;
      if (kind === 'drop') rows.splice(i, 1);
      else if (kind === 'hash') rows[i] = { ...r, hash: '2'.repeat(64) };
      // Moved further along its shard's chain: a gap before it, its own hash wrong.
      else if (kind === 'seq') rows[i] = { ...r, seq: r.seq + 100 };
      else if (kind === 'leg')
        rows[i] = { ...r, legs: [{ ...r.legs[0]!, amountFen: 7 }, ...r.legs.slice(1)] };
      else if (kind === 'prev') rows[i] = { ...r, prevHash: '1'.repeat(64) };
      // An account no rule knows, left at zero by its own row: named all the same.
      else if (kind === 'nowhere')
        rows[i] = { ...r, legs: r.legs.map((l) => ({ ...l, account: 'nowhere:x' })) };
    }
    // As the database returns them: in (shard, seq) order, one row per (shard, seq).
    rows.sort((a, b) => a.shard - b.shard || a.seq - b.seq);
    return rows.filter(
      (r, k) => k === 0 || r.shard !== rows[k - 1]!.shard || r.seq !== rows[k - 1]!.seq,
    );
  };

  test('joined parts report exactly what one verifier over all the rows reports', () => {
    fc.assert(
      fc.property(
        damage,
        fc.uniqueArray(fc.nat(base.length), { maxLength: 4 }),
        fc.boolean(),
        (edits, cuts, contiguous) => {
          const rows = damaged(edits);
          const whole = verify(rows, contiguous).finish({ heads: [] });
          const bounds = [
            0,
            ...cuts.filter((c) => c < rows.length).sort((a, b) => a - b),
            rows.length,
          ];
          const parts = bounds.slice(1).map((end, k) => {
            const v = createJournalVerifier({ sha256, contiguous, continues: k > 0 });
            for (const r of rows.slice(bounds[k], end)) v.add(r);
            return structuredClone(v.part());
          });
          const joined = joinJournalParts({ contiguous }, parts);
          const report = createJournalVerifier({ sha256, contiguous }, joined).finish({
            heads: [],
          });
          // Problems at a seq in seq order; the rest (per account, per order) in any order.
          const inOrder = (r: typeof whole) => ({
            ...r,
            problems: [
              ...r.problems.filter((p) => p.seq !== undefined),
              ...r.problems
                .filter((p) => p.seq === undefined)
                .sort((a, b) => (a.code + a.detail).localeCompare(b.code + b.detail)),
            ],
          });
          assert.deepEqual(inOrder(report), inOrder(whole));
        },
      ),
      { numRuns: 1_500, seed: 11 },
    );
  });

  test('a break exactly at a cut is named once, at its seq', () => {
    const rows = journal(8);
    rows[4] = { ...rows[4]!, prevHash: '1'.repeat(64) };
    const parts = [rows.slice(0, 4), rows.slice(4)].map((run, k) => {
      const v = createJournalVerifier({ sha256, contiguous: true, continues: k > 0 });
      for (const r of run) v.add(r);
      return v.part();
    });
    const report = createJournalVerifier(
      { sha256, contiguous: true },
      joinJournalParts({ contiguous: true }, parts),
    ).finish();
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.seq]),
      [['hash_chain_broken', 5]],
    );
  });
});

describe('the ledger invariants', () => {
  test('a clean journal passes, with its head', () => {
    const rows = journal(10);
    const report = verify(rows).finish({ heads: [{ shard: 0, seq: 10, hash: rows[9]!.hash }] });
    assert.deepEqual(report.problems, []);
    assert.equal(report.transactions, 10);
    assert.deepEqual(report.heads, [{ shard: 0, seq: 10, hash: rows[9]!.hash }]);
  });

  test('an edited leg is unbalanced and hash_chain_broken at its seq, before anything else', () => {
    const rows = journal(10);
    rows[4] = {
      ...rows[4]!,
      legs: [{ ...rows[4]!.legs[0]!, amountFen: 999 }, rows[4]!.legs[1]!],
    };
    const report = verify(rows).finish();
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.slice(0, 2).map((p) => [p.code, p.seq]),
      [
        ['unbalanced_transaction', 5],
        ['hash_chain_broken', 5],
      ],
    );
  });

  test('a balanced edit is still caught by its hash', () => {
    const rows = journal(6);
    rows[2] = {
      ...rows[2]!,
      legs: [
        { ...rows[2]!.legs[0]!, amountFen: 2_000 },
        { ...rows[2]!.legs[1]!, amountFen: -2_000 },
      ],
    };
    assert.deepEqual(
      verify(rows)
        .finish()
        .problems.map((p) => [p.code, p.seq]),
      [['hash_chain_broken', 3]],
    );
  });

  test('a row removed from a whole journal breaks the chain; a scope with gaps does not', () => {
    const rows = journal(8);
    const gapped = [...rows.slice(0, 3), ...rows.slice(4)];
    assert.deepEqual(
      verify(gapped)
        .finish()
        .problems.map((p) => [p.code, p.seq]),
      [['hash_chain_broken', 5]],
    );
    // A replica holds only its scope's rows: each still rehashes from its own prevHash.
    assert.deepEqual(verify(gapped, false).finish().problems, []);
  });

  test('the stored head, balances, holds, final orders and floors are checked', () => {
    const rows = journal(4);
    const hold = { ...rows[0]!, seq: 5, txnId: 't5' };
    const v = verify([
      ...rows,
      { ...hold, prevHash: rows[3]!.hash, hash: chainHash(rows[3]!.hash, hold, sha256) },
    ]);
    const report = v.finish({
      heads: [{ shard: 0, seq: 4, hash: rows[3]!.hash }],
      storedBalances: [{ currency: 'CNY', account: 'merchant:m1:available', balanceFen: 0 }],
      finalOrders: [{ orderId: 'o1', currency: 'CNY' }],
      claimPayments: [],
    });
    const codes = new Set(report.problems.map((p) => p.code));
    for (const code of [
      'hash_chain_broken',
      'balance_mismatch',
      'escrow_held_twice',
      'escrow_not_zero',
    ])
      assert.ok(codes.has(code as never), `${code} in ${[...codes]}`);
  });

  test('a floor is checked only where the replica sees the whole account', () => {
    // A release without its payment in view: the escrow account would sit above zero, a
    // liability floor broken, but only a replica that sees the whole account may say so.
    const rows = journal(2);
    const release = rows[1]!;
    const inScope = verify([release], false).finish({ accountInScope: () => true });
    assert.ok(inScope.problems.some((p) => p.code === 'floor_violated'));
    const outOfScope = verify([release], false).finish({ accountInScope: () => false });
    assert.deepEqual(outOfScope.problems, []);
  });
});
