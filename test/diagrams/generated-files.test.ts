/**
 * The committed diagrams in docs/diagrams are what the generator makes from the machines now;
 * a change to a machine without `npm run diagrams` fails here.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { currentProcedures } from '../../machines/registry';
import { DIAGRAMS_DIR, diagramFiles } from '../../diagrams/files';

test('docs/diagrams has a .dot, .svg and .mmd for every registered procedure, and each is up to date', async () => {
  const files = await diagramFiles();
  expect(files.map((f) => f.name)).toEqual(currentProcedures().flatMap((p) => ['dot', 'svg', 'mmd'].map((ext) => `${p.id}.${ext}`)));
  const stale = files.filter(
    (f) => !existsSync(join(DIAGRAMS_DIR, f.name)) || readFileSync(join(DIAGRAMS_DIR, f.name), 'utf8') !== f.content,
  );
  const extra = existsSync(DIAGRAMS_DIR)
    ? readdirSync(DIAGRAMS_DIR).filter((name) => /\.(dot|svg|mmd)$/.test(name) && !files.some((f) => f.name === name))
    : [];
  if (stale.length > 0 || extra.length > 0) {
    throw new Error(
      `docs/diagrams is out of date (${[...stale.map((f) => f.name), ...extra.map((n) => `${n} (no longer generated)`)].join(', ')}): run \`npm run diagrams\` and commit the result.`,
    );
  }
});
