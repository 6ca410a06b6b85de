/** Server time: the only time that moves money. Injected so tests and demo data control it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to (tests, demo seeding). */
export class ManualClock implements Clock {
  private ms: number;
  constructor(startMs: number) {
    this.ms = startMs;
  }
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): number {
    this.ms += ms;
    return this.ms;
  }
}
