// One API process's timer loop for timersAcrossProcesses.test.ts: opens the schema it is
// given, runs every due timer it can claim at the given server time, and prints how many it
// applied. A separate process, not another pool in the test's process, so the claims really
// race across processes as several API instances' would.
import { runDueTimers } from '../../server/timers/timerScheduler.ts';
import { openDatabase } from '../../server/db/openDatabase.ts';

const [url, schema, nowMs] = process.argv.slice(2);
const db = await openDatabase({ url: url!, schema: schema!, maxConnections: 4 });
try {
  const clock = { now: () => Number(nowMs) };
  // Several loops per process, as a scheduler tick and a request-driven run might overlap.
  const counts = await Promise.all([1, 2, 3].map(() => runDueTimers(db, clock, { max: 5000 })));
  process.stdout.write(`${JSON.stringify({ applied: counts.reduce((a, b) => a + b, 0) })}\n`);
} finally {
  await db.close();
}
