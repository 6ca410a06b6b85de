// Boundaries are enforced here (see DESIGN.md): shared/ imports neither Node nor DOM-only code,
// electron/core never imports electron, the renderer reaches the desk only through the contract.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
);
