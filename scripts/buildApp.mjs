// Builds the desk: the renderer with Vite (dist/renderer) and the Electron main, preload,
// core worker and web-mode entry with esbuild (dist/electron). `node scripts/buildApp.mjs`
// builds both; `npm start`, `npm run dist` and the browser tests import the functions.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import react from '@vitejs/plugin-react';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The renderer's pages: the shell's own page always, the full UI's index.html once it exists. */
function rendererInputs() {
  const inputs = { shell: join(ROOT, 'renderer/shell/index.html') };
  const main = join(ROOT, 'renderer/index.html');
  if (existsSync(main)) inputs.main = main;
  return inputs;
}

export async function buildRenderer(outDir = join(ROOT, 'dist/renderer')) {
  await viteBuild({
    configFile: false,
    root: join(ROOT, 'renderer'),
    base: '/',
    logLevel: 'warn',
    plugins: [react()],
    // The CSV reader's Web Worker (renderer/shipping/csvWorker.ts) as an ES module chunk.
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      // No eval-based source maps: the CSP forbids eval, in Electron and in web mode alike.
      sourcemap: false,
      // The UI bench's profile names functions only in an unminified build.
      minify: process.env.BENCH_UI_PROFILE ? false : undefined,
      rolldownOptions: { input: rendererInputs() },
    },
  });
  return outDir;
}

// ESM sources use import.meta.url; in the CommonJS bundles it becomes the bundle's own URL.
const importMetaShim = {
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__bundleUrl' },
};

export async function buildElectron(outDir = join(ROOT, 'dist/electron')) {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    outExtension: { '.js': '.cjs' },
    outdir: outDir,
  };
  await esbuild({
    ...common,
    ...importMetaShim,
    entryPoints: {
      main: join(ROOT, 'electron/main/main.ts'),
      coreWorker: join(ROOT, 'electron/core/worker/coreWorker.ts'),
      // Started by the core worker from beside its own bundle (electron/platform/startWorker.ts).
      journalPartWorker: join(ROOT, 'electron/core/replica/journalPartWorker.ts'),
      walCheckpointWorker: join(ROOT, 'electron/core/store/walCheckpointWorker.ts'),
      pageDecodeWorker: join(ROOT, 'electron/core/sync/pageDecodeWorker.ts'),
      webMain: join(ROOT, 'electron/web/webMain.ts'),
    },
    // Native and Electron-provided modules are loaded at run time, not bundled.
    external: ['electron', 'better-sqlite3', 'electron-updater'],
  });
  // The sandboxed preload may require only 'electron': everything else is bundled in.
  await esbuild({
    ...common,
    entryPoints: { preload: join(ROOT, 'electron/preload/preload.ts') },
    external: ['electron'],
  });
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildRenderer();
  await buildElectron();
  console.log('built dist/renderer and dist/electron');
}
