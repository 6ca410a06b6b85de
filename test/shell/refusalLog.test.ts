import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRefusalLog } from '../../electron/web/refusalLog.ts';

function harness(max = 3, windowMs = 60_000) {
  let now = 1_000_000;
  const lines: string[] = [];
  const deferred: Array<() => void> = [];
  const timers: Array<{ run: () => void; at: number; cancelled: boolean }> = [];
  const log = createRefusalLog({
    write: (_level, message) => lines.push(message),
    maxLinesPerWindow: max,
    windowMs,
    nowMs: () => now,
    defer: (run) => deferred.push(run),
    setTimer: (run, ms) => {
      const t = { run, at: now + ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
  });
  return {
    log,
    lines,
    /** Runs the deferred flushes, as the event loop would after the refusing call returns. */
    tick() {
      for (const run of deferred.splice(0)) run();
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers)
        if (!t.cancelled && t.at <= now && ((t.cancelled = true), true)) t.run();
    },
  };
}

test('a refusal never writes in the refusing call: lines reach the log on a later tick', () => {
  const h = harness();
  h.log.refuse('one');
  assert.deepEqual(h.lines, []);
  h.tick();
  assert.deepEqual(h.lines, ['one']);
});

test('at most N lines per window; the rest become one "suppressed K" line when it ends', () => {
  const h = harness(3);
  for (let i = 0; i < 1000; i++) h.log.refuse(`r${i}`);
  h.tick();
  assert.deepEqual(h.lines, ['r0', 'r1', 'r2']);
  h.advance(59_999);
  h.tick();
  assert.equal(h.lines.length, 3);
  h.advance(1);
  h.tick();
  assert.equal(h.lines.length, 4);
  assert.match(h.lines[3]!, /suppressed 997 more refused sockets in 60 s/);
  // A new window logs again.
  h.log.refuse('next');
  h.tick();
  assert.equal(h.lines[4], 'next');
});

test('a quiet window writes no summary; close() writes what was suppressed so far', () => {
  const h = harness(2);
  h.log.refuse('a');
  h.advance(120_000);
  h.tick();
  assert.deepEqual(h.lines, ['a']);
  h.log.refuse('b');
  h.log.refuse('c');
  h.log.refuse('d');
  h.log.close();
  assert.deepEqual(h.lines.slice(1, 3), ['b', 'c']);
  assert.match(h.lines[3]!, /suppressed 1 more/);
});
