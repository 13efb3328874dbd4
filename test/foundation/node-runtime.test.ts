/**
 * The project runs on its pinned Node.js 24 LTS (scripts/install-node.sh), not on whatever Node
 * the machine has: Node 20 reached its end of life in April 2026. The tests themselves, every
 * npm script and the processes they start run on the pinned binary in .tools/node.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

const installer = readFileSync(join(PROJECT_ROOT, 'scripts/install-node.sh'), 'utf8');
const pinned = /^want_version="(\d+\.\d+\.\d+)"$/m.exec(installer)?.[1];
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

test('the pinned runtime is a Node 24 LTS release, and the tests run on exactly it', () => {
  expect(pinned).toMatch(/^24\./);
  expect(process.version).toBe(`v${pinned}`);
  expect(process.execPath).toBe(join(PROJECT_ROOT, '.tools/node/bin/node'));
});

test("package.json's engines ask for Node 24 and nothing older", () => {
  expect(manifest.engines.node).toBe('>=24 <25');
});

test('every npm script that runs project code runs it on the pinned runtime', () => {
  // setup, start (and cluster, its --cluster form) and test are shell scripts that put the runtime on PATH themselves.
  const shellScripts = {
    setup: 'bash scripts/setup.sh',
    start: 'bash scripts/start.sh',
    cluster: 'bash scripts/start.sh --cluster',
    test: 'bash scripts/test.sh',
  };
  for (const [name, command] of Object.entries(manifest.scripts)) {
    if (name in shellScripts) expect(command).toBe(shellScripts[name as keyof typeof shellScripts]);
    else expect(`${name}: ${command}`).toMatch(new RegExp(`^${name}: bash scripts/with-node\\.sh `));
  }
  // Those that start a Temporal server of their own get the Temporal binaries installed too, and
  // those that also start PostgreSQL its server programs; the others (a worker, the command
  // lines) need no Python and no PostgreSQL on their host.
  const withOption = (option: string) =>
    Object.keys(manifest.scripts)
      .filter((name) => manifest.scripts[name]!.startsWith(`bash scripts/with-node.sh ${option} `))
      .sort();
  expect(withOption('--with-temporal')).toEqual(['audit', 'bench:cases']);
  expect(withOption('--with-postgres')).toEqual(['bench', 'jest']);
  for (const script of ['scripts/start.sh', 'scripts/test.sh', 'scripts/with-node.sh']) {
    expect(`${script}: ${readFileSync(join(PROJECT_ROOT, script), 'utf8')}`).toMatch(/^source scripts\/lib\/use-node\.sh$/m);
  }
});

test('a script that sources use-node.sh gets the pinned node even when the system node comes first on PATH', () => {
  // Not through with-node.sh itself: its set-up would reinstall node_modules under the running
  // tests if package.json had changed since the last install.
  const env = { ...process.env, PATH: `/usr/local/bin:/usr/bin:/bin:${process.env.PATH ?? ''}` };
  const script = 'source scripts/lib/use-node.sh && exec node -p \'process.version + " " + process.env.npm_config_nodedir\'';
  const out = execFileSync('bash', ['-c', script], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  }).trim();
  expect(out).toBe(`v${pinned} ${join(PROJECT_ROOT, '.tools/node')}`);
});

test("native modules would be built against the pinned runtime's own headers", () => {
  expect(existsSync(join(PROJECT_ROOT, '.tools/node/include/node/node.h'))).toBe(true);
  expect(readFileSync(join(PROJECT_ROOT, '.tools/node/include/node/node_version.h'), 'utf8')).toMatch(/#define NODE_MAJOR_VERSION 24\b/);
});
