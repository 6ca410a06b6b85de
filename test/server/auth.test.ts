import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HOUR_MS } from '../../shared/time.ts';
import { PASSWORD, startTestServer } from './testServer.ts';
import type { TestServer } from './testServer.ts';

describe('auth', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('auth', { sessionTtlMs: 2 * HOUR_MS });
  });
  after(() => t.close());

  it('logs in with the right password and says who the token belongs to', async () => {
    const r = await t.post('/v1/auth/login', { username: 'staff1', password: PASSWORD });
    assert.equal(r.status, 200);
    assert.equal(r.body.user.role, 'seller_staff');
    assert.equal(r.body.user.merchantId, 'm1');
    assert.equal(r.body.expiresAt, t.clock.now() + 2 * HOUR_MS);
    const me = await fetch(`${t.url}/v1/me`, {
      headers: { authorization: `Bearer ${r.body.token}` },
    });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { user: { userId: string } }).user.userId, 'u-staff1');
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await t.post('/v1/auth/login', { username: 'staff1', password: 'nope-nope' });
    const unknown = await t.post('/v1/auth/login', { username: 'nobody', password: PASSWORD });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
  });

  it('tokens expire by server time', async () => {
    const r = await t.post('/v1/auth/login', { username: 'buyer1', password: PASSWORD });
    const get = () =>
      fetch(`${t.url}/v1/me`, { headers: { authorization: `Bearer ${r.body.token}` } });
    t.clock.advance(2 * HOUR_MS - 1);
    assert.equal((await get()).status, 200);
    t.clock.advance(1);
    const expired = await get();
    assert.equal(expired.status, 401);
    assert.equal(
      ((await expired.json()) as { error: { code: string } }).error.code,
      'unauthorized',
    );
  });

  it('stores scrypt hashes and token hashes, never the secrets themselves', async () => {
    const users = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users');
    for (const u of users.rows) {
      assert.match(u.password_hash, /^scrypt\$\d+\$8\$1\$/);
      assert.ok(!u.password_hash.includes(PASSWORD));
    }
    const r = await t.post('/v1/auth/login', { username: 'agent1', password: PASSWORD });
    const sessions = await t.db.query<{ token_sha256: string }>(
      'SELECT token_sha256 FROM sessions',
    );
    assert.ok(sessions.rows.every((s) => s.token_sha256 !== r.body.token));
  });

  it('concurrent requests each get their own token’s user; a logged-out token is refused', async () => {
    const tokens: Record<string, string> = {};
    for (const username of ['staff1', 'buyer1', 'agent1', 'staff2']) {
      const r = await t.post('/v1/auth/login', { username, password: PASSWORD });
      tokens[username] = r.body.token as string;
    }
    const out = await fetch(`${t.url}/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.staff2}` },
    });
    assert.ok(out.status < 300);
    const asked = [
      ...Array.from({ length: 30 }, (_, i) => ['staff1', 'buyer1', 'agent1'][i % 3]!),
      'staff2',
      'unknown',
    ];
    const answers = await Promise.all(
      asked.map(async (who) => {
        const token = tokens[who] ?? 'x'.repeat(43);
        const me = await fetch(`${t.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await me.json()) as { user?: { userId: string } };
        return me.status === 200 ? body.user?.userId : me.status;
      }),
    );
    assert.deepEqual(answers, [
      ...Array.from({ length: 30 }, (_, i) => ['u-staff1', 'b1', 'u-agent1'][i % 3]),
      401,
      401,
    ]);
  });
});
