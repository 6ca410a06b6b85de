// `npm test`: lint, formatting, types, every Node test under test/ (Node's test runner), then
// the browser tests under test/e2e on @playwright/test (playwright.config.ts).
// `npm test -- <paths>` runs only those and skips the static checks: `*.test.ts` files and
// folders go to Node's runner, `*.spec.ts` files (and test/e2e) to Playwright.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

const args = process.argv.slice(2);
// Password hashes at scrypt N=2^14 instead of production's 2^17 (server/auth/passwords.ts), so
// seeding users stays fast; tests that measure hashing set their own cost.
process.env.PASSWORD_HASH_LOG2N ??= '14';
const bin = (name) => join('node_modules', '.bin', name);

function run(cmd, cmdArgs) {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const E2E = normalize('test/e2e');
const isBrowserPath = (p) => normalize(p).startsWith(E2E) || /\.spec\.tsx?$/.test(p);

function testFiles(root) {
  const st = statSync(root);
  if (st.isFile()) return [root];
  return readdirSync(root, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? testFiles(join(root, d.name)) : [join(root, d.name)]))
    .filter((f) => /\.test\.tsx?$/.test(f))
    .sort();
}

if (args.length === 0) {
  run(bin('eslint'), ['--max-warnings=0', '.']);
  run(bin('prettier'), ['--check', '--log-level=warn', '.']);
  run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.shared.json']);
}
const nodePaths = args.length ? args.filter((a) => !isBrowserPath(a)) : ['test'];
const browserPaths = args.filter(isBrowserPath);
const files = nodePaths.flatMap(testFiles);
if (files.length)
  run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    ...files,
  ]);
if (args.length === 0 || browserPaths.length) {
  // Playwright filters by file name; a folder (test/e2e) means all of its specs.
  const filters = browserPaths.filter((p) => normalize(p) !== E2E);
  run(bin('playwright'), ['test', ...filters]);
}
