// API processes as children of the test, and clients that drive them over real HTTP the way a
// load balancer and well-behaved callers would: a request that finds its process dead, or
// answered 503, goes again (to the next process) with the same Idempotency-Key or bank
// notification id, so the server can replay it; what was acknowledged (2xx) is recorded.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { BankKey } from '../../../server/bank/bankKeys.ts';
import { signNotification } from '../../../server/bank/notificationSignature.ts';
import { PASSWORD, PEOPLE } from '../testServer.ts';
import type { PersonName } from '../testServer.ts';
import { TEST_RECIPIENT } from '../../fixtures/testRecipient.ts';

const RUNNER = fileURLToPath(new URL('./apiProcess.ts', import.meta.url));

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: the process is gone mid-request, with no chance to finish anything. */
  kill(): void;
  stop(): Promise<void>;
}

/** Starts `apiProcess.ts` with `env` and resolves once it prints that it listens. */
export function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)\n/.exec(out);
      if (!m?.[1]) return;
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve({
        url: m[1],
        child,
        kill: () => child.kill('SIGKILL'),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    const onExit = (code: number | null) =>
      reject(new Error(`API process exited (${code}) before listening: ${stderr}`));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface Reply {
  status: number;
  // The shapes are asserted by the tests, field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Counts of what the clients saw on the way: the evidence that the failure really happened. */
export interface RetryStats {
  /** Requests that found no process listening, or lost it mid-request. */
  networkErrors: number;
  /** 503 `unavailable` answers (the database was away: outcome unknown, retried). */
  unavailable: number;
  /** Requests under way per process URL now (a kill can wait for one to be mid-request). */
  inFlight?: Map<string, number>;
}

/** An acknowledged command: a 2xx answer with an outcome the client may rely on. */
export interface Ack {
  kind: 'create' | 'pay' | 'ship';
  orderId: string;
}

export class FleetClient {
  readonly acks: Ack[] = [];
  private next = 0;

  constructor(
    private readonly urls: () => string[],
    private readonly stats: RetryStats,
    private readonly bankKey: BankKey,
    /**
     * Bearer tokens shared by every client: one sign-in per person, before the load (the
     * server checks one login per account at a time).
     */
    private readonly tokens: Map<PersonName, string>,
    private readonly deadlineMs = 180_000,
  ) {}

  /**
   * One request, retried on a network error or 503 until it gets another answer. The body and
   * headers are the same every time (same Idempotency-Key, same signed notification), which is
   * what makes the retry safe.
   */
  async send(
    method: string,
    path: string,
    body: string | undefined,
    headers: () => Record<string, string>,
  ): Promise<Reply> {
    const until = Date.now() + this.deadlineMs;
    for (let attempt = 0; ; attempt++) {
      const urls = this.urls();
      const url = urls[this.next++ % urls.length] ?? '';
      const inFlight = this.stats.inFlight;
      inFlight?.set(url, (inFlight.get(url) ?? 0) + 1);
      try {
        const r = await fetch(url + path, {
          method,
          headers: headers(),
          body,
          signal: AbortSignal.timeout(60_000),
        });
        const text = await r.text();
        const reply: Reply = { status: r.status, body: text ? JSON.parse(text) : null };
        if (r.status !== 503) return reply;
        this.stats.unavailable++;
      } catch {
        this.stats.networkErrors++;
      } finally {
        inFlight?.set(url, (inFlight.get(url) ?? 1) - 1);
      }
      if (Date.now() > until) throw new Error(`${method} ${path}: no answer before the deadline`);
      // A retry schedule, as any client has: quick at first, then at most 4 a second.
      await new Promise((r) => setTimeout(r, Math.min(250, 10 * 2 ** Math.min(attempt, 5))));
    }
  }

  async token(who: PersonName): Promise<string> {
    let tok = this.tokens.get(who);
    if (!tok) {
      const r = await this.send(
        'POST',
        '/v1/auth/login',
        JSON.stringify({ username: PEOPLE[who].username, password: PASSWORD }),
        () => ({ 'content-type': 'application/json' }),
      );
      if (r.status !== 200) throw new Error(`login ${who}: ${r.status} ${JSON.stringify(r.body)}`);
      tok = r.body.token as string;
      this.tokens.set(who, tok);
    }
    return tok;
  }

  /** A command over HTTP under a fresh Idempotency-Key, kept across its retries. */
  async command(who: PersonName, path: string, body: unknown): Promise<Reply> {
    const key = randomUUID();
    const auth = `Bearer ${await this.token(who)}`;
    return this.send('POST', path, JSON.stringify(body), () => ({
      'content-type': 'application/json',
      authorization: auth,
      'idempotency-key': key,
    }));
  }

  async createOrder(amountFen: number, merchantId = 'm1'): Promise<string> {
    const r = await this.command('buyer1', '/v1/orders', {
      merchantId,
      currency: 'CNY',
      amountFen,
      goodsKind: 'express',
      item: { title: '龙井茶 250g', quantity: 1 },
      recipient: TEST_RECIPIENT,
    });
    if (r.status !== 201 && r.status !== 200)
      throw new Error(`create: ${r.status} ${JSON.stringify(r.body)}`);
    const orderId = r.body.order.orderId as string;
    this.acks.push({ kind: 'create', orderId });
    return orderId;
  }

  /**
   * The bank's payment notification, signed afresh on each retry (the signature carries its
   * time) under one notification id, which is the command's id.
   */
  async pay(orderId: string, amountFen: number): Promise<Reply> {
    const notificationId = `n-${randomUUID()}`;
    const body = JSON.stringify({
      notificationId,
      bank: 'icbc',
      orderId,
      bankRef: `ICBC-${notificationId}`,
      currency: 'CNY',
      amountFen,
    });
    const r = await this.send('POST', '/v1/bank/notifications', body, () => ({
      'content-type': 'application/json',
      'x-bank-signature': signNotification(this.bankKey, body, Date.now()),
    }));
    if (r.status === 200) this.acks.push({ kind: 'pay', orderId });
    return r;
  }

  async ship(orderId: string): Promise<Reply> {
    const r = await this.command('staff1', `/v1/orders/${orderId}/ship`, {
      carrier: 'SF Express',
      trackingNo: `SF${Math.floor(1e9 + Math.random() * 9e9)}`,
    });
    if (r.status === 200) this.acks.push({ kind: 'ship', orderId });
    return r;
  }
}

/** How far an order must have got for each acknowledged command to be present. */
export const STATUSES_AFTER: Record<Ack['kind'], readonly string[]> = {
  create: ['awaiting_payment', 'funds_held', 'shipped', 'completed', 'closed_unpaid'],
  pay: ['funds_held', 'shipped', 'completed'],
  ship: ['shipped', 'completed'],
};
