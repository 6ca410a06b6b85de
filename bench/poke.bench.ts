// Know at once (issue 14, item 7): how long a paid order takes to reach a subscribed desk. A
// real desk host (core worker, SQLite replica) signed in as the demo seller staff1, its polling
// set to ten minutes so only pokes deliver, against the demo central API (PostgreSQL when
// TEST_DATABASE_URL/BENCH_DATABASE_URL is reachable, else PGlite). Each of BENCH_POKE_PAYMENTS
// (default 200) orders is created, then timed from the bank's payment notification being sent
// until the desk core raises its `desk.alert` for it (pulled and in the replica, i.e. in the
// list). Baseline in the same run: the desk's own sync round trip (`sync.now`, push + pull with
// nothing new). Target: p95 under 1 s.
import os, { loadavg } from 'node:os';
import { demoBuyer } from '../test/e2e/demoBuyer.ts';
import { signInAs, startDemoHost } from '../test/shell/deskHostFixture.ts';

process.env.TEST_DATABASE_URL ??= process.env.BENCH_DATABASE_URL;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(): Promise<void> {
  const payments = Number(process.env.BENCH_POKE_PAYMENTS ?? 200);
  const fixture = startDemoHost({ syncPollMs: 10 * 60_000 });
  try {
    const server = await fixture.server;
    await signInAs(fixture.host, 'staff1');
    const buyer = await demoBuyer(server.url);
    const waiting = new Map<string, () => void>();
    const off = fixture.host.subscribe((topic, payload) => {
      if (topic !== 'desk.alert') return;
      for (const a of (payload as { alerts: { kind: string; orderId: string }[] }).alerts) {
        if (a.kind === 'paid_order') waiting.get(a.orderId)?.();
      }
    });

    const pokeMs: number[] = [];
    for (let i = 0; i < payments; i++) {
      const amountFen = 1_000 + i;
      const orderId = await buyer.createOrder({ merchantId: 'm-hz-tea', amountFen });
      const arrived = new Promise<void>((resolve) => waiting.set(orderId, resolve));
      const t0 = performance.now();
      await buyer.pay(orderId, amountFen);
      await arrived;
      pokeMs.push(performance.now() - t0);
      waiting.delete(orderId);
    }
    off();
    // Every timed order is in the desk's list (replica), not only announced.
    const listed = await fixture.host.call('orders.search', {
      status: 'funds_held',
      offset: 0,
      limit: 1,
    });
    if (!listed.ok) throw new Error(listed.error.message);

    const pullMs: number[] = [];
    for (let i = 0; i < Math.min(payments, 100); i++) {
      const t0 = performance.now();
      const r = await fixture.host.call('sync.now', {});
      if (!r.ok) throw new Error(r.error.message);
      pullMs.push(performance.now() - t0);
    }

    pokeMs.sort((a, b) => a - b);
    pullMs.sort((a, b) => a - b);
    const p95 = percentile(pokeMs, 95);
    const pullP95 = percentile(pullMs, 95);
    const lines: [string, string | number][] = [
      ['poke.payments', payments],
      ['poke.database', server.ctx.db.kind],
      ['poke.paid_to_desk_p50_ms', percentile(pokeMs, 50).toFixed(1)],
      ['poke.paid_to_desk_p95_ms', p95.toFixed(1)],
      ['poke.paid_to_desk_max_ms', pokeMs.at(-1)!.toFixed(1)],
      ['poke.pull_round_trip_p50_ms', percentile(pullMs, 50).toFixed(1)],
      ['poke.pull_round_trip_p95_ms', pullP95.toFixed(1)],
      ['poke.p95_vs_pull_p95', (p95 / pullP95).toFixed(2)],
      ['poke.target_p95_under_1s', p95 < 1000 ? 'met' : 'missed'],
      ['host.cpus', os.cpus().length],
      ['host.loadavg_1m', loadavg()[0]!.toFixed(2)],
    ];
    for (const [k, v] of lines) console.log(`${k}=${v}`);
  } finally {
    await fixture.cleanup();
  }
}
