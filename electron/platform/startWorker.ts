import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from either a built bundle (`.cjs`/`.mjs`, the app) or TypeScript
 * source (tests, benches and `tsx` runs). Node does not hand a parent's `--import tsx` hook to
 * worker threads, so a `.ts` entry is loaded through a tiny bootstrap that registers tsx's
 * in-thread CommonJS hook first: its ESM hook runs a loader thread of its own per worker, which
 * cost twice the CPU per start (about 0.55 s against 0.25 s).
 */
export function startWorker(
  entry: URL,
  workerData: unknown,
  opts: Pick<WorkerOptions, 'resourceLimits'> = {},
): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { ...opts, workerData });
  // Resolved from the entry, not from the working directory an eval'd worker resolves from.
  const from = `require('node:module').createRequire(${JSON.stringify(fileURLToPath(entry))})`;
  const bootstrap = `const r = ${from}; r('tsx/cjs/api').register(); r(${JSON.stringify(fileURLToPath(entry))});`;
  return new Worker(bootstrap, { ...opts, eval: true, workerData });
}

/**
 * The entry `name` beside the running module: `name.ts` in source, `name.cjs` in the bundle,
 * where every worker entry is built into one folder (scripts/buildApp.mjs).
 */
export function workerEntryBeside(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.cjs'}`, moduleUrl);
}
