// Boundaries are enforced here (see DESIGN.md): shared/ imports neither Node nor DOM-only code,
// electron/core never imports electron, the renderer reaches the desk only through the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import importPlugin from 'eslint-plugin-import';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'events',
  'buffer',
];
/** A zone for import/no-restricted-paths: `folder` may import itself, shared/ and `also`. */
const allow = (folder, also, message) => ({
  target: `./${folder}`,
  from: './',
  except: [...new Set([`./${folder}`, './shared', './node_modules', ...also.map((p) => `./${p}`)])],
  message,
});
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'release/', 'test-results/', '.data/', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // CommonJS (electron-builder's config and what it loads): require() is its import syntax.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: restrict(
      [
        ...nodeBuiltins,
        'electron',
        'react',
        'react-dom',
        '**/electron/**',
        '**/server/**',
        '**/renderer/**',
        'better-sqlite3',
        'pg',
        'fastify',
        '@electric-sql/*',
      ],
      'shared/ is pure TypeScript: no Node, DOM, Electron, database or app-layer imports.',
    ),
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        '**/electron/main/**',
        '**/electron/preload/**',
        '**/renderer/**',
        '**/server/**',
      ],
      'electron/core runs in plain Node (a worker thread): it never imports electron, the shell, the renderer or the server.',
    ),
  },
  {
    files: ['electron/net/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        '**/electron/main/**',
        '**/electron/preload/**',
        '**/electron/host/**',
        '**/electron/core/**',
        '**/electron/web/**',
        '**/renderer/**',
        '**/server/**',
      ],
      "electron/net is the desk's one HTTP client: plain Node and shared/ only, used by the host and the core worker alike.",
    ),
  },
  {
    files: ['electron/host/**/*.ts', 'electron/web/**/*.ts'],
    rules: restrict(
      ['electron', 'electron/*', '**/electron/preload/**', '**/renderer/**', '**/server/**'],
      'The core host and web mode are plain Node (web mode runs without Electron): no electron, preload, renderer or server imports.',
    ),
  },
  {
    files: ['electron/platform/**/*.ts'],
    rules: restrict(
      [
        'electron',
        'electron/*',
        '**/electron/core/**',
        '**/electron/host/**',
        '**/electron/main/**',
        '**/electron/preload/**',
        '**/electron/web/**',
        '**/renderer/**',
        '**/server/**',
      ],
      'electron/platform is plain Node that every desk process (main, web mode, host, core worker) may import: it imports none of them.',
    ),
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: restrict(
      [
        ...nodeBuiltins,
        '**/electron/core/**',
        '**/electron/host/**',
        '**/electron/main/**',
        '**/renderer/**',
        '**/server/**',
      ],
      'The sandboxed preload reaches only electron and the contract in shared/.',
    ),
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: restrict(
      ['**/electron/core/**', '**/renderer/**', '**/server/**'],
      'The main process is a thin shell: the core runs behind electron/host in a worker, never in main.',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict(
        [...nodeBuiltins, 'electron', '**/electron/**', '**/server/**', 'better-sqlite3', 'pg'],
        'The renderer reaches the desk only through the typed contract in shared/contract.',
      ),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict(
      ['electron', '**/electron/**', '**/renderer/**'],
      'server/ shares only shared/ with the desk.',
    ),
  },
  // Per-folder allow-lists of the project's own code (a folder may import only what is listed);
  // the package and Node restrictions above say which libraries each environment may load.
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { import: importPlugin },
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            allow('shared', [], 'shared/ is pure: it imports only itself.'),
            allow(
              'electron/net',
              [],
              'electron/net is the one HTTP client: it imports only shared/.',
            ),
            allow(
              'electron/platform',
              [],
              'electron/platform holds plain-Node helpers: it imports only shared/.',
            ),
            allow(
              'electron/core',
              ['electron/net', 'electron/platform'],
              'electron/core (the worker) imports only shared/, electron/net and electron/platform.',
            ),
            allow(
              'electron/host',
              ['electron/net', 'electron/platform', 'electron/core/worker/workerMessages.ts'],
              'electron/host (main thread, plain Node) imports shared/, electron/net, electron/platform and the worker message types.',
            ),
            allow(
              'electron/web',
              ['electron/host', 'electron/platform'],
              'web mode runs without Electron: shared/, electron/host and electron/platform only.',
            ),
            allow(
              'electron/main',
              ['electron/host', 'electron/platform'],
              'the Electron main process is a thin shell over electron/host.',
            ),
            allow('electron/preload', [], 'the sandboxed preload reaches only the contract.'),
            allow('renderer', [], 'the renderer reaches the desk only through shared/contract.'),
            allow('server', [], 'server/ shares only shared/ with the desk.'),
          ],
        },
      ],
    },
  },
);
