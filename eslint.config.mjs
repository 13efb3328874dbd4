// Lint rules that protect the architecture: machines and workflows stay deterministic and free
// of I/O (Temporal replays workflows; machines must be pure so auditors can trust their graphs),
// dependencies between the top-level folders point one way (the layers below), and no promise is
// left floating anywhere.
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

/**
 * The folders in layer order, lowest first, as the code uses them. A folder imports only from
 * lower layers (never from a peer in its own layer), counted strictly by folder: every file,
 * a command's entry point too, follows its folder's row, so the folder graph has no loops; the
 * jest test test/lint/folder-graph.test.ts checks the real tree has none.
 *   machines             pure procedures: state machines, events, vocabulary, labels
 *   workflows            runs a machine as a Temporal workflow
 *   app                  the application layer every entry point uses: settings (parsed once),
 *                        the Temporal connection and the typed case client, exit codes
 *   intake               registrations in: format, importer, store, data generator
 *   people               the people directory: format, importer, store, recipient rules
 *   detection            reads the registrations, delivers triggers to the cases
 *   messages, calendar,  real transports (SMTP, SMS gateway) with their delivery record; meeting invitations;
 *   archive              the case archive (Noark 5 metadata, files by checksum) and its arkivmelding export
 *   documents            the case documents as PDF/A-2b (forms, renderer)
 *   activities, diagrams effects and the detection run as Temporal activities; drawings
 *   worker, cli          the worker process; every command line (case, intake, detect, generate)
 *   audit, scripts       tools over everything below; outside scripts/ (and test/) only these
 *                        tools and bench use scripts/lib's process helpers, and the libraries
 *                        only scripts/lib/tools.ts (PROJECT_ROOT, tool paths)
 *   bench                the benchmark, over everything (it measures the audit's routes too)
 * No file imports an entry point (ENTRY_POINTS, the files a command runs) but the tools.
 * `import type` is erased at build time; some folders may use it upward (TYPE_IMPORTS_UPWARD).
 */
export const LAYERS = [
  ['machines'],
  ['workflows'],
  ['app'],
  ['intake'],
  ['people'],
  ['detection'],
  ['messages', 'calendar', 'archive', 'documents'],
  ['activities', 'diagrams', 'casework', 'case-audit'],
  ['web'],
  ['worker', 'cli'],
  ['audit', 'scripts'],
  // The benchmark measures the audit's routes and replays too (bench/history.ts, bench/transitions.ts).
  ['bench'],
];
/** The tools on top: they may use scripts/lib's process helpers. */
export const TOOLS = ['audit', 'scripts', 'bench'];

/**
 * Upward imports a folder may make with `import type` only: erased when compiled, they load
 * nothing (workflows name the activities' types for Temporal's typed proxies, and detection's
 * for the daily detection's input).
 */
const TYPE_IMPORTS_UPWARD = {
  machines: ['detection', 'intake'],
  workflows: ['app', 'activities', 'detection', 'intake'],
};

/** The files a command runs (npm scripts) inside the library folders; the tools' own are on top already. */
export const ENTRY_POINTS = [
  'cli/archive.ts',
  'cli/database.ts',
  'cli/detect.ts',
  'cli/generate.ts',
  'cli/intake.ts',
  'cli/access-export.ts',
  'cli/keys.ts',
  'cli/main.ts',
  'cli/people.ts',
  'cli/retention.ts',
  'cli/users.ts',
  'web/main.ts',
  'worker/main.ts',
];

const folderImport = (folder) => `^(\\.\\./)+${folder}(/|$)`;
const withoutTs = (file) => file.replace(/\.ts$/, '');
/** An entry point named from another folder (`../cli/intake`) or from its own (`./intake`). */
const entryPointImport = (folder) => {
  const own = ENTRY_POINTS.filter((file) => file.startsWith(`${folder}/`)).map((file) => withoutTs(file).slice(folder.length + 1));
  const fromElsewhere = `^(\\.\\./)+(${ENTRY_POINTS.map(withoutTs).join('|')})$`;
  return own.length > 0 ? `${fromElsewhere}|^\\./(${own.join('|')})$` : fromElsewhere;
};
/**
 * scripts/ is off limits to every other folder, with two exceptions: scripts/lib/tools.ts
 * (PROJECT_ROOT, tool paths) for all but the pure layers, and scripts/lib's process helpers
 * (dev server, free port, child processes) for the other tools, audit and bench.
 */
const scriptsPattern = (folder) => {
  const allowed = ['machines', 'workflows'].includes(folder) ? '' : TOOLS.includes(folder) ? '(?!lib/)' : '(?!lib/tools$)';
  return {
    regex: `^(\\.\\./)+scripts(/${allowed}|$)`,
    caseSensitive: true,
    message: TOOLS.includes(folder)
      ? 'Of scripts/, the other tools may use only the helpers in scripts/lib/.'
      : 'scripts/ holds entry scripts and process helpers; only scripts/lib/tools.ts may be imported from outside.',
  };
};
const entryPointPattern = (folder) => ({
  regex: entryPointImport(folder),
  caseSensitive: true,
  message: 'An entry point is a command, not a library; import what it uses instead.',
});
const withFixtures = (patterns) => [...patterns, ...patterns.map((pattern) => `test/lint/fixtures/${pattern}`)];

/** The rule that keeps a pure folder free of Node built-ins and I/O packages, each refusal saying `message`. */
function noIoImports(message, extra = {}) {
  return ['error', { paths: [...bannedBuiltins, ...ioPackages].map((name) => ({ name, message })), ...extra }];
}
const noClock = 'Machines have no clock: take time from the event or from XState.';
const noTimers = 'Machines declare delays; they never start timers.';

function layerMessage(folder, name, peer) {
  if ((TYPE_IMPORTS_UPWARD[folder] ?? []).includes(name)) return `${folder}/ may take only types from ${name}/ (import type).`;
  if (peer) return `${folder}/ and ${name}/ share a layer and do not import each other (layer order in eslint.config.mjs).`;
  return `${folder}/ sits below ${name}/ (layer order in eslint.config.mjs): move what both need down, or the caller up.`;
}

/** The layering rule for one folder: everything above it and its peers is refused. */
function layerRule(folder) {
  const layer = LAYERS.findIndex((names) => names.includes(folder));
  const refused = LAYERS.flatMap((names, i) => (i < layer ? [] : names.filter((name) => name !== folder)));
  return [
    'error',
    {
      patterns: [
        ...refused
          .filter((name) => name !== 'scripts')
          .map((name) => ({
            regex: folderImport(name),
            caseSensitive: true,
            allowTypeImports: (TYPE_IMPORTS_UPWARD[folder] ?? []).includes(name),
            message: layerMessage(folder, name, LAYERS[layer].includes(name)),
          })),
        ...(folder === 'scripts' ? [] : [scriptsPattern(folder)]),
        ...(TOOLS.includes(folder) ? [] : [entryPointPattern(folder)]),
      ],
    },
  ];
}

const layerBlocks = LAYERS.flat().map((folder) => ({
  files: withFixtures([`${folder}/**/*.ts`]),
  rules: { '@typescript-eslint/no-restricted-imports': layerRule(folder) },
}));

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
    files: withFixtures(['workflows/**/*.ts']),
    rules: {
      'no-restricted-imports': noIoImports('Workflows are replayed deterministically: no Node built-ins or I/O; call an activity instead.'),
      'no-restricted-syntax': ['error', ...deterministicSyntax],
    },
  },
  {
    files: withFixtures(['machines/**/*.ts']),
    rules: {
      'no-restricted-imports': noIoImports('Machines are pure: no Node built-ins, no I/O, no Temporal.', {
        patterns: [{ group: ['@temporalio/*'], message: 'Machines must not depend on Temporal.' }],
      }),
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: noTimers },
        { name: 'setInterval', message: noTimers },
        { name: 'fetch', message: 'Machines are pure: no I/O.' },
        { name: 'process', message: 'Machines are pure: no environment access.' },
      ],
      'no-restricted-syntax': [
        'error',
        ...deterministicSyntax,
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: noClock },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: noClock },
      ],
    },
  },
  ...layerBlocks,
);
