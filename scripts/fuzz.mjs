// `npm run fuzz`: the route fuzz of issue 12 at full size, 2,000 bodies per POST route with the
// fixed seed. `npm test` runs the first 500 of them (test/security/fuzzRoutes.test.ts);
// FUZZ_BODIES and FUZZ_SEED still pick another size or seed.
import { spawnSync } from 'node:child_process';

process.env.FUZZ_BODIES ??= '2000';
const r = spawnSync(
  process.execPath,
  ['scripts/test.mjs', 'test/security/fuzzRoutes.test.ts', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
