// `npm run bench [name…]`: runs every bench/*.bench.ts (or only those named, e.g. `ledger`) one
// after another, so they do not compete for the CPU. Each prints `name=value` lines.
//
// Each bench runs in a process of its own: one that ran in the process of the bench before it
// started with that bench's heap (the desk bench leaves ~800 MB behind) and its garbage
// collection, and measured slower than on its own.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args[0] === '--one') {
  const file = args[1] ?? '';
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') throw new Error(`${file} exports no run()`);
  await mod.run();
} else {
  const wanted = args.map((a) => a.replace(/\.bench\.ts$/, ''));
  const modules = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
    .sort();
  if (modules.length === 0) {
    console.error(`no benchmark matches ${wanted.join(', ')}`);
    process.exit(1);
  }
  for (const file of modules) {
    console.log(`# ${file}`);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', file],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) {
      console.error(`${file} failed (${child.signal ?? `exit ${child.status}`})`);
      process.exit(1);
    }
  }
}
