// `npm test`: lint, formatting, types, then every test file under test/ with Node's test runner.
// `npm test -- test/core` (or any paths) runs only those tests and skips the static checks.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
const files = (args.length ? args : ['test']).flatMap(testFiles);
run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-reporter=spec',
  ...files,
]);
