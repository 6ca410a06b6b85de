import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import type { Actor, EscrowCommand } from '../../shared/escrow/types.ts';
import { uuidv7 } from '../../shared/ids.ts';
import { login } from '../../server/auth/sessions.ts';
import { createMerchant, createUser } from '../../server/auth/users.ts';
import type { UserRole } from '../../server/auth/users.ts';
import type { Clock } from '../../server/clock.ts';
import type { Database } from '../../server/db/database.ts';
import { openDatabase } from '../../server/db/openDatabase.ts';
import { runCommand } from '../../server/escrow/runCommand.ts';
import type { CommandOutcome } from '../../server/escrow/commandOutcome.ts';
import { syncRoutes } from '../../server/sync/syncRoutes.ts';
import { TEST_RECIPIENT } from '../fixtures/testRecipient.ts';

/**
 * A real central API for sync tests: PostgreSQL in the test file's own schema (dropped and made
 * afresh), the sync routes on Fastify listening on 127.0.0.1, one merchant `m1` with seller
 * staff, buyers and an agent signed in. Buyers and the bank act through `runCommand`, the same
 * per-command transaction the HTTP routes use.
 */
export const PG_URL = process.env.SYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'correct horse battery';

export interface SyncTestServer {
  db: Database;
  app: FastifyInstance;
  url: string;
  clock: Clock;
  tokens: Map<string, string>;
  actors: Map<string, Actor>;
  /** Runs a command as a buyer, bank or agent directly on the server. */
  act(actor: Actor, command: EscrowCommand): Promise<CommandOutcome>;
  close(): Promise<void>;
}

export async function resetSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export async function startSyncServer(
  schema: string,
  opts: { sellers?: number; buyers?: number; maxConnections?: number; clock?: Clock } = {},
): Promise<SyncTestServer> {
  await resetSchema(schema);
  const db = await openDatabase({ url: PG_URL, schema, maxConnections: opts.maxConnections ?? 8 });
  const clock: Clock = opts.clock ?? { now: () => Date.now() };
  const now = clock.now();
  await createMerchant(db, { merchantId: 'm1', name: 'Tea House', feeBps: 60 }, now);
  const users: { userId: string; role: UserRole; merchantId?: string }[] = [];
  for (let i = 1; i <= (opts.sellers ?? 3); i++)
    users.push({ userId: `staff${i}`, role: 'seller_staff', merchantId: 'm1' });
  for (let i = 1; i <= (opts.buyers ?? 2); i++) users.push({ userId: `b${i}`, role: 'buyer' });
  users.push({ userId: 'agent1', role: 'agent' });
  const tokens = new Map<string, string>();
  const actors = new Map<string, Actor>();
  for (const u of users) {
    await createUser(
      db,
      { ...u, username: u.userId, displayName: u.userId, password: PASSWORD },
      now,
    );
    const s = await login(db, u.userId, PASSWORD, now, 24 * 3600_000);
    if (!s) throw new Error(`login failed for ${u.userId}`);
    tokens.set(u.userId, s.token);
    actors.set(u.userId, s.actor);
  }
  const app = Fastify({ logger: false });
  await app.register(syncRoutes, { db, clock });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    db,
    app,
    url: `http://127.0.0.1:${addr.port}`,
    clock,
    tokens,
    actors,
    act: (actor, command) => runCommand(db, { commandId: uuidv7(), actor, command }, clock),
    async close() {
      await app.close();
      await db.close();
    },
  };
}

export const bankActor: Actor = { role: 'bank', userId: 'bank:icbc' };
export const buyerActor = (id = 'b1'): Actor => ({ role: 'buyer', userId: id });

/** Creates and pays an order for merchant m1 through the server's rules. */
export async function paidOrder(
  server: SyncTestServer,
  orderId: string,
  amountFen = 10_000,
  buyerId = 'b1',
): Promise<void> {
  const created = await server.act(buyerActor(buyerId), {
    type: 'create_order',
    orderId,
    merchantId: 'm1',
    buyerId,
    currency: 'CNY',
    amountFen,
    feeBps: 60,
    goodsKind: 'express',
    recipient: TEST_RECIPIENT,
    item: { title: 'Tea, 250 g', quantity: 1 },
  });
  if (!created.ok) throw new Error(`create ${orderId}: ${created.error.code}`);
  const paid = await server.act(bankActor, {
    type: 'confirm_payment',
    orderId,
    bank: 'icbc',
    bankRef: `ref-${orderId}`,
    currency: 'CNY',
    amountFen,
  });
  if (!paid.ok) throw new Error(`pay ${orderId}: ${paid.error.code}`);
}
