/**
 * The lint rules that keep machines pure, workflows deterministic and the folder layers one-way
 * really fire. The fixtures under test/lint/fixtures/<folder>/ are ignored by the normal lint
 * run and linted as if they were in <folder>/; here ESLint runs on them once, and each must be
 * refused (or allowed) by the intended rule.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const fixtures = resolve(__dirname, 'fixtures');

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

let rulesByFile: Map<string, string[]>;
let messagesByFile: Map<string, string[]>;

beforeAll(() => {
  // ESLint's config is an ES module, which jest cannot load in-process, so use the CLI once.
  let stdout: string;
  try {
    stdout = execFileSync(resolve(root, 'node_modules/.bin/eslint'), ['--no-ignore', '--format', 'json', fixtures], {
      cwd: root,
      encoding: 'utf8',
    });
  } catch (err) {
    // Exit code 1 means "problems found", which is what most fixtures are for.
    stdout = (err as { stdout?: string }).stdout ?? '';
  }
  const results = JSON.parse(stdout) as LintResult[];
  rulesByFile = new Map(
    results.map((r) => [r.filePath.slice(fixtures.length + 1), r.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`)]),
  );
  messagesByFile = new Map(results.map((r) => [r.filePath.slice(fixtures.length + 1), r.messages.map((m) => m.message)]));
});

test.each([
  'machines/node-builtin.ts',
  'machines/temporal-client.ts',
  'machines/temporal-workflow.ts',
  'workflows/node-builtin.ts',
  'workflows/temporal-worker.ts',
])('an I/O import is refused: %s', (file) => {
  // A Temporal import in a machine may match both the path and the pattern rule; one kind of refusal.
  expect([...new Set(rulesByFile.get(file))]).toEqual(['no-restricted-imports']);
});

test('a machine cannot read the clock or start timers', () => {
  expect(rulesByFile.get('machines/clock-and-timer.ts')?.sort()).toEqual(
    ['no-restricted-globals', 'no-restricted-syntax', 'no-restricted-syntax'].sort(),
  );
});

test('Node built-ins are allowed outside machines and workflows', () => {
  expect(rulesByFile.get('worker/node-builtin-allowed.ts')).toEqual([]);
});

test('a floating promise is refused', () => {
  expect(rulesByFile.get('worker/floating-promise.ts')).toEqual(['@typescript-eslint/no-floating-promises']);
});

describe('folder layers (the layer order in eslint.config.mjs)', () => {
  test.each([
    ['machines/layer-workflows.ts', 'machines/ sits below workflows/'],
    ['machines/layer-value-from-intake.ts', 'machines/ may take only types from intake/'],
    ['machines/layer-scripts-tools.ts', 'only scripts/lib/tools.ts may be imported'],
    ['workflows/layer-value-from-activities.ts', 'workflows/ may take only types from activities/'],
    ['workflows/layer-value-from-app.ts', 'workflows/ may take only types from app/'],
    ['workflows/layer-type-from-diagrams.ts', 'workflows/ sits below diagrams/'],
    ['app/layer-detection.ts', 'app/ sits below detection/'],
    ['intake/layer-detection.ts', 'intake/ sits below detection/'],
    ['intake/layer-cli.ts', 'intake/ sits below cli/'],
    ['detection/layer-activities.ts', 'detection/ sits below activities/'],
    ['detection/layer-cli.ts', 'detection/ sits below cli/'],
    ['worker/layer-peer-cli.ts', 'worker/ and cli/ share a layer'],
    ['diagrams/layer-scripts.ts', 'only scripts/lib/tools.ts may be imported'],
    ['bench/scripts-entry.ts', 'the other tools may use only the helpers in scripts/lib/'],
    ['cli/main.ts', 'An entry point is a command, not a library'],
  ])('an import against the layers is refused: %s', (file, reason) => {
    expect(rulesByFile.get(file)).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(messagesByFile.get(file)?.[0]).toContain(reason);
  });

  test('a library importing a command is refused twice: below its layer, and an entry point', () => {
    expect(messagesByFile.get('activities/entry-point.ts')).toEqual([
      expect.stringContaining('activities/ sits below cli/'),
      expect.stringContaining('An entry point is a command, not a library'),
    ]);
  });

  test.each([
    'machines/layer-types-allowed.ts',
    'workflows/layer-types-allowed.ts',
    'app/layer-lower-allowed.ts',
    'detection/layer-lower-allowed.ts',
    'cli/command-composes.ts',
    'bench/tools-allowed.ts',
  ])('an import the layers allow passes: %s', (file) => {
    expect(rulesByFile.get(file)).toEqual([]);
  });
});
