/**
 * Dependencies between the top-level folders point one way: the real tree's import graph has no
 * folder loops, counted strictly by folder (a command's entry point belongs to its folder like any
 * other file), follows the layer order, takes from scripts/ only what eslint.config.mjs allows,
 * and ESLint's list of entry points (which nothing but the tools may import) is exactly the files
 * a command runs. Type-only imports are left out of the graph: they are erased when compiled, and the lint
 * layer rule decides where they may point (workflows take the activities' types for Temporal's
 * typed proxies).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ImportEdge, folderCycles, importGraph } from './import-graph';

const root = resolve(__dirname, '..', '..');

/** The layers, the tools on top (they may use scripts/lib's helpers) and the entry points. */
interface Layering {
  LAYERS: string[][];
  TOOLS: string[];
  ENTRY_POINTS: string[];
}

/** The layer table and entry points as eslint.config.mjs exports them (an ES module, so read in a child). */
function lintLayering(): Layering {
  const script = `const c = await import(${JSON.stringify(resolve(root, 'eslint.config.mjs'))});
    console.log(JSON.stringify({ LAYERS: c.LAYERS, TOOLS: c.TOOLS, ENTRY_POINTS: c.ENTRY_POINTS }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })) as Layering;
}

/** Files a command runs: the targets of package.json's scripts, and modules that run when `require.main === module`. */
function commandFiles(edges: readonly ImportEdge[]): Set<string> {
  const scripts = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const targets = Object.values(scripts).flatMap((line) => [...line.matchAll(/tsx\s+(\S+\.ts)\b/g)].map((m) => m[1]!));
  const files = new Set([...edges.map((e) => e.from), ...edges.map((e) => e.to)]);
  const guarded = [...files].filter((file) => readFileSync(resolve(root, file), 'utf8').includes('require.main === module'));
  return new Set([...targets, ...guarded]);
}

/** Every file belongs to its top-level folder: no file is exempt from its folder's layer. */
const folderOf = (file: string) => file.split('/')[0]!;

let edges: ImportEdge[];
let layering: Layering;

beforeAll(() => {
  edges = importGraph(root);
  layering = lintLayering();
});

test('the graph reads the real tree (imports of every kind, type-only ones marked)', () => {
  // Known imports, one of each kind the parser must see, so an empty or broken graph cannot pass.
  expect(edges).toEqual(
    expect.arrayContaining([
      { from: 'cli/intake.ts', to: 'detection/detect-and-deliver.ts', typeOnly: false },
      { from: 'workflows/case-host.ts', to: 'activities/index.ts', typeOnly: true },
      { from: 'diagrams/graph.ts', to: 'diagrams/machine-walk.ts', typeOnly: false },
    ]),
  );
  expect(edges.some((e) => e.from.startsWith('test/') || e.from.includes('node_modules'))).toBe(false);
});

test('the top-level folders import each other without loops, entry points included', () => {
  const runtime = edges.filter((e) => !e.typeOnly);
  const cycles = folderCycles(runtime, folderOf);
  // On failure the message lists each loop's folders and the imports that close it.
  expect(cycles.map((c) => `${c.nodes.join(' ⇄ ')}:\n  ${c.imports.join('\n  ')}`)).toEqual([]);
});

test('the runtime imports between folders follow the layer order in eslint.config.mjs', () => {
  const layerOf = new Map(layering.LAYERS.flatMap((names, i) => names.map((name) => [name, i] as const)));
  const upward = edges
    // scripts/ is checked on its own (next test): the libraries may use scripts/lib/tools.ts, the tools scripts/lib/.
    .filter((e) => !e.typeOnly && !e.to.startsWith('scripts/'))
    .filter((e) => {
      const [from, to] = [e.from.split('/')[0]!, e.to.split('/')[0]!];
      return from !== to && layerOf.has(from) && layerOf.has(to) && layerOf.get(from)! <= layerOf.get(to)!;
    })
    .map((e) => `${e.from} → ${e.to}`);
  expect(upward).toEqual([]);
});

test('outside scripts/, the libraries use only scripts/lib/tools.ts and the other tools only scripts/lib/', () => {
  const tools = new Set(layering.TOOLS);
  const offenders = edges
    .filter((e) => e.to.startsWith('scripts/') && !e.from.startsWith('scripts/'))
    .filter((e) => e.to !== 'scripts/lib/tools.ts' && !(tools.has(e.from.split('/')[0]!) && e.to.startsWith('scripts/lib/')))
    .map((e) => `${e.from} → ${e.to}`);
  expect(offenders).toEqual([]);
});

test("ESLint's entry points are exactly the commands inside the library folders, and no library imports one", () => {
  const tools = new Set(layering.TOOLS);
  const commands = [...commandFiles(edges)].filter((file) => !tools.has(file.split('/')[0]!)).sort();
  expect([...layering.ENTRY_POINTS].sort()).toEqual(commands);
  const entryPoints = new Set(layering.ENTRY_POINTS);
  const intoEntryPoints = edges.filter((e) => entryPoints.has(e.to) && !tools.has(e.from.split('/')[0]!)).map((e) => `${e.from} → ${e.to}`);
  expect(intoEntryPoints).toEqual([]);
});

describe('the loop finder', () => {
  let tree: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    writeFileSync(join(tree, file), text);
  };

  beforeAll(() => {
    // The loop this project had: intake's CLI used detection's CLI, which read intake's store.
    tree = mkdtempSync(join(tmpdir(), 'folder-graph-'));
    write('intake/cli.ts', "import { detect } from '../detection/cli';\nexport const run = detect;\n");
    write('intake/store.ts', 'export class Store {}\n');
    write('detection/cli.ts', "export { Store } from '../intake/store';\nexport const detect = 1;\n");
    write('detection/rules.ts', "import type { Store } from '../intake/store';\nexport type S = Store;\n");
    write('machines/events.ts', "export const load = () => import('../workflows/case');\n");
    write('workflows/case.ts', "const events = require('../machines/events');\nexport default events;\n");
    write('test/ignored.ts', "import '../intake/cli';\n");
  });
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  test('names the folders of each loop and the files that close it', () => {
    const found = importGraph(tree);
    expect(found).toContainEqual({ from: 'detection/rules.ts', to: 'intake/store.ts', typeOnly: true });
    expect(found.some((e) => e.from.startsWith('test/'))).toBe(false);
    expect(folderCycles(found, (file) => file.split('/')[0]!)).toEqual([
      {
        nodes: ['detection', 'intake'],
        imports: ['detection/cli.ts → intake/store.ts', 'detection/rules.ts → intake/store.ts', 'intake/cli.ts → detection/cli.ts'],
      },
      { nodes: ['machines', 'workflows'], imports: ['machines/events.ts → workflows/case.ts', 'workflows/case.ts → machines/events.ts'] },
    ]);
  });
});
