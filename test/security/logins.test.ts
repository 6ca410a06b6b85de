// Issue 12, "No rate limit or lockout on login" and "Sessions have no logout or revocation":
// per-account backoff and lockout (admin-lifted, audited), a per-address limit, a bounded
// password-hashing pool, scrypt at N >= 2^17 with rehash on login, logout, revocation, purge.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HOUR_MS, MINUTE_MS } from '../../shared/time.ts';
import {
  LOGIN_FAILURES_KEPT_MS,
  purgeStaleLoginFailures,
  unlockUser,
} from '../../server/auth/loginGuard.ts';
import {
  PRODUCTION_LOG2N,
  hashPassword,
  passwordHashLog2N,
  setPasswordHashLog2N,
} from '../../server/auth/passwords.ts';
import { purgeExpiredSessions, revokeSessions } from '../../server/auth/sessions.ts';
import { PASSWORD, startTestServer } from '../server/testServer.ts';
import type { HttpResult, TestServer } from '../server/testServer.ts';

const CLI = fileURLToPath(new URL('../../server/admin/cli.ts', import.meta.url));

describe('logins and sessions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('logins', { sessionTtlMs: 2 * HOUR_MS });
  });
  after(() => t.close());

  const login = (username: string, password: string): Promise<HttpResult> =>
    t.post('/v1/auth/login', { username, password });

  it('300 wrong passwords and then the right one: the right one is not let in', async () => {
    const codes = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const r = await login('staff2', `wrong-${i}`);
      codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
    }
    assert.equal(codes.get(401), 5, 'five free attempts, then backoff');
    assert.equal(codes.get(429), 295);
    const right = await login('staff2', PASSWORD);
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.equal(right.body.error.code, 'login_throttled');
  });

  it('repeated failures lock the account until an administrator unlocks it, audited', async () => {
    let last: HttpResult | null = null;
    for (let i = 0; i < 20; i++) {
      t.clock.advance(16 * MINUTE_MS); // past any backoff
      last = await login('admin2', `wrong-${i}`);
      assert.equal(last.status, 401, JSON.stringify(last.body));
    }
    t.clock.advance(16 * MINUTE_MS);
    const locked = await login('admin2', PASSWORD);
    assert.equal(locked.status, 423, JSON.stringify(locked.body));
    assert.equal(locked.body.error.code, 'account_locked');
    assert.ok(await unlockUser(t.db, 'admin2', 'admin-cli', t.clock.now()));
    assert.equal((await login('admin2', PASSWORD)).status, 200);
    const audit = await t.db.query<{ action: string; subject: string }>(
      `SELECT action, subject FROM security_audit WHERE subject = 'u-admin2' ORDER BY seq`,
    );
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['account_locked', 'account_unlocked'],
    );
  });

  it('a username nobody has answers every attempt exactly as a real one does', async () => {
    // The same sequence against a real account and a made-up name: five free attempts, the
    // backoff, then past each backoff until the lockout. Any difference names real accounts.
    const answers = async (username: string): Promise<string[]> => {
      const seen: string[] = [];
      for (let i = 0; i < 8; i++) seen.push(await answer(username, `wrong-${i}`));
      for (let i = 0; i < 16; i++) {
        t.clock.advance(16 * MINUTE_MS);
        seen.push(await answer(username, `wrong-again-${i}`));
      }
      return seen;
    };
    const answer = async (username: string, password: string) => {
      const r = await login(username, password);
      return `${r.status} ${r.body.error?.code} ${r.body.error?.message}`;
    };
    const real = await answers('staff3');
    const madeUp = await answers('staff3-nobody');
    assert.deepEqual(madeUp, real);
    assert.deepEqual(
      [real[0], real[5], real.at(-1)].map((a) => a?.split(' ')[0]),
      ['401', '429', '423'],
    );
    // Once a day without a failure, counts that are not lockouts are forgotten; lockouts stay.
    await login('agent3', 'wrong');
    t.clock.advance(LOGIN_FAILURES_KEPT_MS);
    assert.ok((await purgeStaleLoginFailures(t.db, t.clock.now())) >= 1);
    const kept = await t.db.query<{ username: string }>(
      `SELECT username FROM login_failures WHERE username IN ('agent3', 'staff3', 'staff3-nobody')
        ORDER BY username`,
    );
    assert.deepEqual(
      kept.rows.map((r) => r.username),
      ['staff3', 'staff3-nobody'],
    );
    assert.equal((await login('staff3-nobody', 'x')).status, 423);
  });

  it('logout ends the session on the server; revocation ends all of a user; expired ones are purged', async () => {
    const a = (await login('agent2', PASSWORD)).body.token as string;
    const b = (await login('agent2', PASSWORD)).body.token as string;
    const me = (token: string) =>
      fetch(`${t.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const out = await t.postRaw('/v1/auth/logout', '{}', {
      'content-type': 'application/json',
      authorization: `Bearer ${a}`,
    });
    assert.equal(out.status, 200, JSON.stringify(out.body));
    assert.equal((await me(a)).status, 401);
    assert.equal((await me(b)).status, 200);
    assert.equal(await revokeSessions(t.db, 'u-agent2'), 1);
    assert.equal((await me(b)).status, 401);

    await login('senior2', PASSWORD);
    t.clock.advance(2 * HOUR_MS + 1);
    assert.ok((await purgeExpiredSessions(t.db, t.clock.now())) >= 1);
    const left = await t.db.query('SELECT 1 FROM sessions WHERE expires_at <= $1', [t.clock.now()]);
    assert.equal(left.rowCount, 0);
  });

  it('hashes at scrypt N >= 2^17 in production, and rehashes an older hash on login', async () => {
    assert.ok(PRODUCTION_LOG2N >= 17);
    const was = passwordHashLog2N();
    setPasswordHashLog2N(PRODUCTION_LOG2N);
    try {
      const strong = await hashPassword('a long enough password');
      assert.match(strong, new RegExp(`^scrypt\\$${2 ** PRODUCTION_LOG2N}\\$8\\$1\\$`));
      // senior1 was seeded at the test cost (2^14): a login moves it to today's cost.
      const before = await t.db.query<{ password_hash: string }>(
        `SELECT password_hash FROM users WHERE username = 'senior1'`,
      );
      assert.match(before.rows[0]?.password_hash ?? '', /^scrypt\$16384\$/);
      assert.equal((await login('senior1', PASSWORD)).status, 200);
      const after = await t.db.query<{ password_hash: string }>(
        `SELECT password_hash FROM users WHERE username = 'senior1'`,
      );
      assert.match(
        after.rows[0]?.password_hash ?? '',
        new RegExp(`^scrypt\\$${2 ** PRODUCTION_LOG2N}\\$`),
      );
      assert.equal((await login('senior1', PASSWORD)).status, 200);
    } finally {
      setPasswordHashLog2N(was);
    }
  });
});

describe('per-address login limit', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer('login_ip', { loginLimits: { perIpPerMinute: 5 } });
  });
  after(() => t.close());

  it('a sixth login a minute from one address is refused with Retry-After', async () => {
    for (let i = 0; i < 5; i++)
      assert.notEqual(
        (await t.post('/v1/auth/login', { username: `nobody${i}`, password: 'x' })).status,
        429,
      );
    const r = await fetch(`${t.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'staff1', password: PASSWORD }),
    });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'login_throttled');
  });
});

describe('admin CLI', () => {
  const root = mkdtempSync(join(tmpdir(), 'admin-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  // A data folder that a bad call must never create: arguments are checked before any database
  // is opened (opening PGlite creates and migrates the folder, seconds of work).
  const dataDir = join(root, 'api');

  function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CLI, ...args, '--data-dir', dataDir],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '' } },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('answers bad arguments with one line and exit 2, never opening the database, and never takes --password', async () => {
    const calls = [
      ['fund-guarantee', '--amount-fen', '-5', '--id', 'x'],
      ['fund-guarantee', '--amount-fen', '1.5', '--id', 'x'],
      ['add-user', '--user', 'u9', '--username', 'u9', '--role', 'buyer', '--password', 'pw'],
      ['add-user', '--user', 'u9', '--username', 'u9', '--role', 'root'],
      ['no-such-command'],
    ];
    const results = await Promise.all(calls.map(cli));
    for (const [i, r] of results.entries()) {
      const args = calls[i]!.join(' ');
      assert.equal(r.code, 2, `${args}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.match(results[2]!.stderr, /--password is not accepted/);
    assert.equal(existsSync(dataDir), false, 'a bad call opened (and created) the database');
  });
});
