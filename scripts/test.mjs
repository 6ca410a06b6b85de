// `npm test`: lint, formatting, types, every Node test under test/ (Node's test runner), then
// the browser tests under test/e2e on @playwright/test (playwright.config.ts).
// `npm test -- <paths>` runs only those and skips the static checks: `*.test.ts` files and
// folders go to Node's runner, `*.spec.ts` files (and test/e2e) to Playwright.
import { spawn, spawnSync } from 'node:child_process';
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

/**
 * Runs the commands two at a time, each with its output held back and printed whole when it
 * ends (in the order given); exits like `run` if any failed. The static checks are each one
 * single-threaded process: one after the other they left one of the two cores idle.
 */
async function runTwoAtATime(commands) {
  const results = new Array(commands.length);
  let next = 0;
  const slot = async () => {
    while (next < commands.length) {
      const i = next++;
      const [cmd, cmdArgs] = commands[i];
      results[i] = await new Promise((resolve) => {
        const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
        const out = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => out.push(d));
        child.on('error', (err) => resolve({ status: 1, out: [Buffer.from(String(err))] }));
        child.on('close', (status) => resolve({ status, out }));
      });
    }
  };
  await Promise.all([slot(), slot()]);
  let failed = 0;
  for (const [i, [cmd, cmdArgs]] of commands.entries()) {
    console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
    process.stdout.write(Buffer.concat(results[i].out));
    if (results[i].status !== 0) failed = results[i].status ?? 1;
  }
  if (failed) process.exit(failed);
}

if (args.length === 0)
  // The two longest first, so the two slots end together.
  await runTwoAtATime([
    [bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
    [bin('eslint'), ['--max-warnings=0', '.']],
    [bin('prettier'), ['--check', '--log-level=warn', '.']],
    [bin('tsc'), ['--noEmit', '-p', 'tsconfig.shared.json']],
  ]);
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
