import { Worker } from 'node:worker_threads';
import type { CoreWorkerData } from '../core/worker/workerMessages.ts';

/**
 * Starts the core worker from either a built bundle (`.cjs`/`.mjs`, the app) or TypeScript
 * source (tests and `tsx` runs). Node does not hand a parent's `--import tsx` hook to worker
 * threads, so a `.ts` entry is loaded through a tiny bootstrap that registers tsx first.
 */
export function spawnWorker(entry: URL, workerData: CoreWorkerData): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
