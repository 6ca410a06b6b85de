import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EscrowEvent, OrderState } from '../shared/escrow/types.ts';
import type { Prng } from './prng.ts';
import { createPrng, seededUuid } from './prng.ts';
import { SELLER_DESKS } from './schedule.ts';
import { openSimDesk } from './simDesk.ts';
import type { SimDesk } from './simDesk.ts';
import { startSimServer } from './simServer.ts';
import type { InjectResult, SimServer } from './simServer.ts';
import { createSimTransport } from './simTransport.ts';
import type { FaultStats, InjectedBug } from './simTransport.ts';

/**
 * Everything one run holds: the server, the desks (three seller desks of merchant m1 and one
 * agent desk), the seeded stream that makes ids during execution, the simulator's own model of
 * the money the bank sent in, and the counters the soak reports.
 */
export interface World {
  seed: number;
  server: SimServer;
  /** Seller desks first, then the agent desk. */
  desks: SimDesk[];
  agentDesk: SimDesk;
  prng: Prng;
  faults: FaultStats;
  /** Order ids the bank has paid, with the amount the model expects in the bank account. */
  paid: Map<string, number>;
  /** Notifications already sent, so a 'duplicate' can resend one exactly. */
  sentNotifications: { body: string; orderId: string }[];
  /** Treasury model: what the bank paid out (each withdrawal once) and what it was told. */
  treasury: {
    paidOutFen: number;
    /** Withdrawal id → the outcome the server applied. */
    settled: Map<string, 'paid' | 'failed'>;
    sentResults: string[];
    /** Imported statements, in order: their file, closing balance and server id. */
    statements: { date: string; file: string; closingFen: number; statementId: string }[];
  };
  counters: {
    httpCalls: number;
    httpRejections: number;
    deskEnqueued: number;
    deskLocalRefusals: number;
    timersFired: number;
    invariantChecks: number;
    heals: number;
  };
  dir: string;
  nextOrderNo: number;
  uuid(): string;
  /** Per order: the version whose event stream was last replayed and checked. */
  checkedVersion: Map<string, number>;
  /** Per order: the timer deadlines seen fired, as "kind/ref/at", to catch a second firing. */
  firedTimers: Map<string, Set<string>>;
  checkedTimerCommands: Set<string>;
  /** Invariants of known, reported bugs: counted in `knownIssueHits` instead of failing. */
  tolerate: ReadonlySet<string>;
  knownIssueHits: Record<string, number>;
  /** Per order: its server event stream as last replayed (replica states are checked against it). */
  eventCache: Map<string, EscrowEvent[]>;
  close(): Promise<void>;
}

/** Simulated time starts here (a Monday, 2030-01-07 00:00 UTC), whatever the wall clock says. */
export const SIM_START_MS = Date.UTC(2030, 0, 7);

function deskDir(): string {
  // tmpfs when there is one: the desks' fsyncs cost nothing there and the code path is the same.
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  return mkdtempSync(join(base, 'escrow-sim-'));
}

export async function createWorld(
  seed: number,
  opts: { bug?: InjectedBug; tolerate?: readonly string[] } = {},
): Promise<World> {
  const prng = createPrng(seed ^ 0x77071d);
  const server = await startSimServer(SIM_START_MS, prng);
  const faults: FaultStats = {
    dropped: 0,
    cut: 0,
    duplicated: 0,
    errors5xx: 0,
    kills: 0,
    offlineRefusals: 0,
  };
  const dir = deskDir();
  const desks: SimDesk[] = [];
  const users = [...Array.from({ length: SELLER_DESKS }, (_, i) => `staff${i + 1}`), 'agent1'];
  for (const [i, user] of users.entries()) {
    const token = server.tokens.get(user);
    const actor = server.actors.get(user);
    if (!token || !actor) throw new Error(`no session for ${user}`);
    // Desk clocks are skewed by a few minutes either way; they decide nothing that moves money.
    const skewMs = (i - 1) * 7 * 60_000;
    desks.push(
      openSimDesk({
        name: `desk-${user}`,
        dir,
        actor,
        transport: createSimTransport({
          server: () => server,
          token,
          stats: faults,
          bug: opts.bug ?? 'none',
        }),
        prng: createPrng(prng.u32()),
        now: () => server.clock.now() + skewMs,
      }),
    );
  }
  const world: World = {
    seed,
    server,
    desks,
    agentDesk: desks[SELLER_DESKS] as SimDesk,
    prng,
    faults,
    paid: new Map(),
    sentNotifications: [],
    treasury: { paidOutFen: 0, settled: new Map(), sentResults: [], statements: [] },
    counters: {
      httpCalls: 0,
      httpRejections: 0,
      deskEnqueued: 0,
      deskLocalRefusals: 0,
      timersFired: 0,
      invariantChecks: 0,
      heals: 0,
    },
    dir,
    nextOrderNo: 1,
    uuid: () => seededUuid(prng, server.clock.now()),
    checkedVersion: new Map(),
    firedTimers: new Map(),
    checkedTimerCommands: new Set(),
    tolerate: new Set(opts.tolerate ?? []),
    knownIssueHits: {},
    eventCache: new Map(),
    async close() {
      for (const d of desks) d.close();
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    },
  };
  return world;
}

export class SimFailure extends Error {
  constructor(
    readonly invariant: string,
    readonly detail: string,
    readonly orderIds: string[] = [],
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'SimFailure';
  }
}

/**
 * Fails the run, unless the invariant belongs to a known bug the caller chose to tolerate: then
 * the hit is counted (and reported) and the run goes on, so other bugs can still be found.
 */
export function violated(world: World, invariant: string, detail: string, orderIds: string[] = []) {
  if (world.tolerate.has(invariant)) {
    world.knownIssueHits[invariant] = (world.knownIssueHits[invariant] ?? 0) + 1;
    return;
  }
  throw new SimFailure(invariant, detail, orderIds);
}

/** Server state of every order, in id order (what buyers, the bank and agents act on). */
export async function serverOrders(world: World, where = 'TRUE'): Promise<OrderState[]> {
  const r = await world.server.db.query<{ state: OrderState }>(
    `SELECT state FROM orders WHERE ${where} ORDER BY order_id`,
  );
  return r.rows.map((row) => row.state);
}

/**
 * An HTTP call by a buyer, the bank or a senior agent. Every answer must be a success or a
 * precise JSON error: a 5xx, or an error without a stable code, is a failure of the system.
 */
export async function http(
  world: World,
  req: Parameters<SimServer['inject']>[0],
): Promise<InjectResult & { code: string | null }> {
  world.counters.httpCalls++;
  const res = await world.server.inject(req);
  if (res.status >= 500)
    throw new SimFailure('no_server_error', `${req.method} ${req.url} answered ${res.status}`);
  if (typeof res.body !== 'object' || res.body === null)
    throw new SimFailure('json_answers', `${req.method} ${req.url} answered non-JSON`);
  if (res.status >= 400) {
    world.counters.httpRejections++;
    const code = (res.body as { error?: { code?: unknown } }).error?.code;
    if (typeof code !== 'string')
      throw new SimFailure('visible_rejection', `${req.url} ${res.status} without an error code`);
    return { ...res, code };
  }
  return { ...res, code: null };
}

/**
 * Sends a command twice with the same Idempotency-Key when `dup` is set (a client retry after a
 * lost answer): the second answer must be the first one again.
 */
export async function command(
  world: World,
  user: string,
  url: string,
  body: unknown,
  dup: boolean,
): Promise<string> {
  const token = world.server.tokens.get(user);
  const key = world.uuid();
  const req = {
    method: 'POST' as const,
    url,
    token,
    headers: { 'idempotency-key': key },
    body: JSON.stringify(body),
  };
  const first = await http(world, req);
  if (dup) {
    const again = await http(world, req);
    const sameStatus =
      again.status === first.status || (first.status === 201 && again.status === 200);
    if (!sameStatus || again.code !== first.code)
      throw new SimFailure(
        'idempotent_retry',
        `${url} answered ${first.status}/${first.code} then ${again.status}/${again.code}`,
      );
  }
  return first.code ?? 'ok';
}
