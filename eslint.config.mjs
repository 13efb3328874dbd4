// Lint rules that protect the architecture: machines and workflows stay deterministic and free
// of I/O (Temporal replays workflows; machines must be pure so auditors can trust their graphs),
// and no promise is left floating anywhere.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const bannedBuiltins = [...nodeBuiltins, ...nodeBuiltins.map((name) => `node:${name}`)];

/** Packages that perform I/O or run outside the workflow sandbox. */
const ioPackages = ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'];

const deterministicSyntax = [
  {
    selector: "MemberExpression[object.name='Math'][property.name='random']",
    message: 'Randomness breaks determinism; take it as input.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tools/**',
      'data/**',
      'coverage/**',
      'reports/**',
      'test/lint/fixtures/**',
      '*.config.js',
      '*.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'test/lint/fixtures/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...bannedBuiltins, ...ioPackages].map((name) => ({
            name,
            message: 'Workflows are replayed deterministically: no Node built-ins or I/O; call an activity instead.',
          })),
        },
      ],
      'no-restricted-syntax': ['error', ...deterministicSyntax],
    },
  },
  {
    files: ['machines/**/*.ts', 'test/lint/fixtures/machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...bannedBuiltins, ...ioPackages].map((name) => ({
            name,
            message: 'Machines are pure: no Node built-ins, no I/O, no Temporal.',
          })),
          patterns: [{ group: ['@temporalio/*'], message: 'Machines must not depend on Temporal.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Machines declare delays; they never start timers.' },
        { name: 'setInterval', message: 'Machines declare delays; they never start timers.' },
        { name: 'fetch', message: 'Machines are pure: no I/O.' },
        { name: 'process', message: 'Machines are pure: no environment access.' },
      ],
      'no-restricted-syntax': [
        'error',
        ...deterministicSyntax,
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Machines have no clock: take time from the event or from XState.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Machines have no clock: take time from the event or from XState.',
        },
      ],
    },
  },
);
