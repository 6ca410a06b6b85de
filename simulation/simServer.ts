import type { FastifyInstance } from 'fastify';
import { actorOf, createMerchant } from '../server/auth/users.ts';
import { sha256Hex } from '../server/common/sha256.ts';
import type { UserRole } from '../server/auth/users.ts';
import { ManualClock } from '../server/clock.ts';
import type { Database } from '../server/db/database.ts';
import { buildApp } from '../server/http/app.ts';
import type { ServerContext } from '../server/http/serverContext.ts';
import { fundGuaranteeFund, recordMerchantDeposit } from '../server/ledger/platformFunding.ts';
import { Metrics } from '../server/observability/metrics.ts';
import { DEFAULT_LOGIN_LIMITS } from '../server/auth/loginGuard.ts';
import { SIM_BANK_KEYS } from './bankNotifications.ts';
import { DEFAULT_POLICY } from '../shared/escrow/policy.ts';
import { DEFAULT_TREASURY_POLICY } from '../server/treasury/treasuryPolicy.ts';
import type { Actor } from '../shared/escrow/types.ts';
import type { Prng } from './prng.ts';
import { BUYERS, SELLER_DESKS } from './schedule.ts';
import { freshSimDatabase } from './simDatabase.ts';

/**
 * The real central API, in process: the Fastify app from `buildApp` over PostgreSQL (a schema
 * emptied for each run, simDatabase.ts), reached only through `app.inject` (no sockets, no timing). Its clock is a
 * ManualClock the simulator moves. A restart throws the app and its in-memory state (metrics,
 * route caches) away and builds a new one over the same database, as a process restart would.
 */
/** Sessions outlive every clock jump of a run: expiry is not what the simulator tests. */
const SESSION_TTL_MS = 10 * 365 * 86_400_000;
export const GUARANTEE_FUND_FEN = 50_000_000;
export const MERCHANT_DEPOSIT_FEN = 2_000_000;

export interface InjectResult {
  status: number;
  body: unknown;
}

export interface SimServer {
  readonly db: Database;
  readonly clock: ManualClock;
  tokens: Map<string, string>;
  actors: Map<string, Actor>;
  inject(req: {
    method: 'GET' | 'POST';
    url: string;
    token?: string;
    headers?: Record<string, string>;
    body?: string;
  }): Promise<InjectResult>;
  restart(): Promise<void>;
  restarts(): number;
  close(): Promise<void>;
}

export async function startSimServer(startMs: number, prng: Prng): Promise<SimServer> {
  const db = await freshSimDatabase();
  const clock = new ManualClock(startMs);
  const now = clock.now();
  await createMerchant(db, { merchantId: 'm1', name: 'Tea House', feeBps: 60 }, now);
  const users: { userId: string; role: UserRole; merchantId?: string }[] = [];
  for (let i = 1; i <= SELLER_DESKS; i++)
    users.push({ userId: `staff${i}`, role: 'seller_staff', merchantId: 'm1' });
  for (let i = 1; i <= BUYERS; i++) users.push({ userId: `b${i}`, role: 'buyer' });
  users.push({ userId: 'agent1', role: 'agent' }, { userId: 'senior1', role: 'senior_agent' });
  const tokens = new Map<string, string>();
  const actors = new Map<string, Actor>();
  // Users and their sessions are written directly: sign-in is not under test here, and its
  // password hashing and random tokens would cost seconds and the run's determinism.
  for (const u of users) {
    await db.query(
      `INSERT INTO users (user_id, username, display_name, password_hash, role, merchant_id,
                          created_at)
       VALUES ($1, $1, $1, 'not-a-password', $2, $3, $4)`,
      [u.userId, u.role, u.merchantId ?? null, now],
    );
    const token = `sim-${u.userId}-${prng.u32().toString(36)}${prng.u32().toString(36)}`;
    await db.query(
      'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [sha256Hex(token), u.userId, now, now + SESSION_TTL_MS],
    );
    tokens.set(u.userId, token);
    actors.set(
      u.userId,
      actorOf({ user_id: u.userId, role: u.role, merchant_id: u.merchantId ?? null }),
    );
  }
  await fundGuaranteeFund(db, {
    fundingId: 'sim-fund-1',
    amountFen: GUARANTEE_FUND_FEN,
    bank: 'icbc',
    at: now,
  });
  await recordMerchantDeposit(db, {
    fundingId: 'sim-deposit-m1',
    merchantId: 'm1',
    amountFen: MERCHANT_DEPOSIT_FEN,
    bank: 'icbc',
    at: now,
  });

  // Treasury people (issue 16): their tokens are fixed strings, not prng draws, so adding them
  // leaves every earlier seed's draws, and so its run, as it was.
  for (const u of [
    { userId: 'admin1', role: 'seller_admin', merchantId: 'm1' },
    { userId: 'finance1', role: 'finance' },
  ] as const) {
    const merchantId = 'merchantId' in u ? (u.merchantId ?? null) : null;
    await db.query(
      `INSERT INTO users (user_id, username, display_name, password_hash, role, merchant_id,
                          created_at)
       VALUES ($1, $1, $1, 'not-a-password', $2, $3, $4)`,
      [u.userId, u.role, merchantId, now],
    );
    const token = `sim-${u.userId}-treasury-session-token`;
    await db.query(
      'INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [sha256Hex(token), u.userId, now, now + SESSION_TTL_MS],
    );
    tokens.set(u.userId, token);
    actors.set(u.userId, actorOf({ user_id: u.userId, role: u.role, merchant_id: merchantId }));
  }

  const build = async (): Promise<FastifyInstance> => {
    const ctx: ServerContext = {
      db,
      clock,
      policy: DEFAULT_POLICY,
      metrics: new Metrics(),
      bankSecrets: SIM_BANK_KEYS,
      sessionTtlMs: SESSION_TTL_MS,
      // Every simulated desk logs in from 127.0.0.1, many times a run.
      loginLimits: { ...DEFAULT_LOGIN_LIMITS, perIpPerMinute: 1_000_000 },
      maxConnectionsPerAddress: 1_000_000,
      bodyLimitBytes: 64 * 1024,
      maxEvidenceBytes: 1024 * 1024,
      // The cooling-off has its own tests; the simulated admin's account is usable at once.
      treasuryPolicy: { ...DEFAULT_TREASURY_POLICY, coolingOffMs: 0, dailyCount: 1_000 },
    };
    const app = await buildApp(ctx);
    await app.ready();
    return app;
  };
  let app = await build();
  let restarts = 0;

  return {
    db,
    clock,
    tokens,
    actors,
    async inject(req) {
      const headers: Record<string, string> = { ...req.headers };
      if (req.token) headers.authorization = `Bearer ${req.token}`;
      if (req.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await app.inject({
        method: req.method,
        url: req.url,
        headers,
        ...(req.body !== undefined ? { payload: req.body } : {}),
      });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        // Left as text; callers that expect JSON report it.
      }
      return { status: res.statusCode, body };
    },
    async restart() {
      await app.close();
      app = await build();
      restarts++;
    },
    restarts: () => restarts,
    async close() {
      await app.close();
    },
  };
}
