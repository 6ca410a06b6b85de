import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SessionLookups } from '../../server/auth/sessionLookups.ts';
import { endSession, revokeSessions } from '../../server/auth/sessions.ts';
import { createMerchant } from '../../server/auth/users.ts';
import { sha256Hex } from '../../server/common/sha256.ts';
import type { Queryable } from '../../server/db/database.ts';
import { openTestDatabase } from './testServer.ts';
import type { TestDatabase } from './testServer.ts';

const T0 = Date.UTC(2026, 0, 5);

/**
 * Bearer-token look-ups are read in waves (server/auth/sessionLookups.ts): a burst of requests
 * shares one statement, and each still sees the sessions table as it stood after it arrived.
 */
describe('session look-ups in waves', () => {
  let tdb: TestDatabase;
  let statements = 0;
  let counting: Queryable;

  before(async () => {
    tdb = await openTestDatabase('session_waves');
    await createMerchant(tdb.db, { merchantId: 'm1', name: 'M1', feeBps: 60 }, T0);
    for (let i = 0; i < 20; i++) {
      // Users as rows (no password hashing: sign-in is not under test here).
      await tdb.db.query(
        `INSERT INTO users (user_id, username, display_name, password_hash, role, merchant_id,
                            created_at) VALUES ($1, $1, $2, 'test:no-login', $3, $4, $5)`,
        [`u${i}`, `User ${i}`, i % 2 ? 'seller_staff' : 'buyer', i % 2 ? 'm1' : null, T0],
      );
      await tdb.db.query(
        'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
        [sha256Hex(`token-${i}`), `u${i}`, T0, i === 19 ? T0 + 10 : T0 + 86_400_000],
      );
    }
    counting = {
      ...tdb.db,
      query: (sql, params, opts) => {
        statements++;
        return tdb.db.query(sql, params, opts);
      },
    };
  });
  after(() => tdb.drop());

  it('a burst of requests is one statement, and each gets its own user', async () => {
    const lookups = new SessionLookups(counting);
    statements = 0;
    const tokens = [...Array.from({ length: 20 }, (_, i) => `token-${i}`), 'token-unknown'];
    const found = await Promise.all(tokens.map((t) => lookups.actorFor(t, T0 + 100)));
    assert.equal(statements, 1);
    found.slice(0, 19).forEach((f, i) => {
      assert.equal(f?.actor.userId, `u${i}`);
      assert.equal(f?.displayName, `User ${i}`);
      assert.equal(f?.actor.role, i % 2 ? 'seller_staff' : 'buyer');
      assert.equal(f?.actor.merchantId ?? null, i % 2 ? 'm1' : null);
    });
    assert.equal(found[19], null, 'expired at the request’s time');
    assert.equal(found[20], null, 'unknown token');
    // The same token twice in one wave: both callers answered.
    const [a, b] = await Promise.all([
      lookups.actorFor('token-2', T0 + 100),
      lookups.actorFor('token-2', T0 + 100),
    ]);
    assert.deepEqual(a, b);
  });

  it('a session ended or revoked before a request arrives is refused', async () => {
    const lookups = new SessionLookups(counting);
    assert.ok(await lookups.actorFor('token-4', T0 + 100));
    assert.ok(await endSession(tdb.db, 'token-4'));
    assert.equal(await lookups.actorFor('token-4', T0 + 100), null);
    assert.equal(await revokeSessions(tdb.db, 'u6'), 1);
    assert.equal(await lookups.actorFor('token-6', T0 + 100), null);
    assert.equal((await lookups.actorFor('token-8', T0 + 100))?.actor.userId, 'u8');
  });

  it('a failed statement fails its wave’s callers, and the next wave reads again', async () => {
    let fail = true;
    const flaky: Queryable = {
      ...tdb.db,
      query: (sql, params, opts) =>
        fail ? Promise.reject(new Error('connection lost')) : tdb.db.query(sql, params, opts),
    };
    const lookups = new SessionLookups(flaky);
    const failed = await Promise.allSettled([
      lookups.actorFor('token-10', T0 + 100),
      lookups.actorFor('token-12', T0 + 100),
    ]);
    assert.deepEqual(
      failed.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    fail = false;
    assert.equal((await lookups.actorFor('token-10', T0 + 100))?.actor.userId, 'u10');
  });
});
