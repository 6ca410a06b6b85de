/**
 * The simulator's only source of randomness. Every choice — the schedule, amounts, ids, fault
 * points — is drawn from one of these, all derived from the run's seed, so a seed replays the
 * same run exactly. sfc32 (small, fast, good statistics); seeded through splitmix32 so nearby
 * seeds give unrelated streams.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** A 32-bit value, to seed a derived stream. */
  u32(): number;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createPrng(seed: number): Prng {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  // Warm up so weak seeds (0, 1, 2…) do not start correlated.
  for (let i = 0; i < 12; i++) u32();
  const next = (): number => u32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
      const entries = Object.entries(weights) as [K, number][];
      const total = entries.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [k, w] of entries) {
        r -= w;
        if (r < 0) return k;
      }
      return (entries[entries.length - 1] as [K, number])[0];
    },
    u32,
  };
}

/** A UUIDv7-shaped id from simulated time and the seeded stream (never the wall clock). */
export function seededUuid(prng: Prng, nowMs: number): string {
  const hex = (n: number, digits: number) => (n >>> 0).toString(16).padStart(digits, '0');
  const ms = Math.max(0, Math.trunc(nowMs));
  const timeHex = ms.toString(16).padStart(12, '0').slice(-12);
  const r1 = prng.u32();
  const r2 = prng.u32();
  const r3 = prng.u32();
  return (
    `${timeHex.slice(0, 8)}-${timeHex.slice(8, 12)}-7${hex(r1 & 0xfff, 3)}-` +
    `${hex(0x8000 | ((r1 >>> 12) & 0x3fff), 4)}-${hex(r2 & 0xffff, 4)}${hex(r3, 8)}`
  );
}
