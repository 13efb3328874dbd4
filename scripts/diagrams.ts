/**
 * `npm run diagrams`: writes the committed procedure diagrams (docs/diagrams/<id>.dot, .svg,
 * .mmd) from the machine definitions, or with `--case SKOLE ELEV [--out FIL]` draws one case's
 * route and current state, asked from its workflow on Temporal. Everything is drawn offline.
 * Exit codes are listed in the usage text (diagrams/cli-args.ts).
 */
import { EXIT } from '../app/exit-codes';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import { CaseDiagramError, CaseNotFoundError, TemporalUnreachableError, caseDiagram } from '../diagrams/case-diagram';
import { USAGE, UsageError, parseDiagramsArgs } from '../diagrams/cli-args';
import { DIAGRAMS_DIR, diagramFiles } from '../diagrams/files';
import { ConfigError, loadSettings } from '../app/settings';
import { caseIdsOf, connectClient } from '../app/temporal';

const ROOT_DIR = resolve(__dirname, '..');
/** Where `--case` writes by default: data/ is local and never committed. */
const CASE_DIAGRAMS_DIR = join(ROOT_DIR, 'data', 'diagrams');
const GENERATED = /\.(dot|svg|mmd)$/;

const shown = (path: string) => relative(process.cwd(), path) || path;

async function writeAll(): Promise<void> {
  const files = await diagramFiles();
  mkdirSync(DIAGRAMS_DIR, { recursive: true });
  for (const file of files) {
    const path = join(DIAGRAMS_DIR, file.name);
    writeFileSync(path, file.content);
    console.log(`Skrev ${shown(path)}`);
  }
  // A procedure no longer registered must not leave its old diagram behind.
  const wanted = new Set(files.map((f) => f.name));
  for (const name of readdirSync(DIAGRAMS_DIR)) {
    if (GENERATED.test(name) && !wanted.has(name)) {
      rmSync(join(DIAGRAMS_DIR, name));
      console.log(`Slettet ${shown(join(DIAGRAMS_DIR, name))} (rutinen finnes ikke lenger)`);
    }
  }
}

async function writeCase(schoolId: string, pupilId: string, out: string | undefined): Promise<void> {
  const config = loadSettings().temporal;
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new TemporalUnreachableError(
      `Får ikke kontakt med Temporal på ${config.address} (navnerom ${config.namespace}): ${err instanceof Error ? err.message : String(err)}.\n` +
        'Start serveren med «npm start», eller sett TEMPORAL_ADDRESS til riktig adresse.',
    );
  }
  try {
    const diagram = await caseDiagram(client, caseIdsOf(config).workflowId(schoolId, pupilId));
    const path = resolve(out ?? join(CASE_DIAGRAMS_DIR, `${diagram.workflowId}.svg`));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, diagram.svg);
    console.log(
      `Skrev ${shown(path)}: ${diagram.procedure.displayName}, ${diagram.state.route.length} steg, saken er nå i «${diagram.currentLabel}».`,
    );
  } finally {
    await client.connection.close();
  }
}

async function main(): Promise<void> {
  const command = parseDiagramsArgs(process.argv.slice(2));
  switch (command.kind) {
    case 'help':
      console.log(USAGE);
      return;
    case 'all':
      await writeAll();
      return;
    case 'case':
      await writeCase(command.schoolId, command.pupilId, command.out);
      return;
  }
}

/** Exit code and message for each known failure; anything else is unexpected (1). */
function failure(err: unknown): { code: number; message: unknown } {
  if (err instanceof UsageError) return { code: EXIT.usage, message: err.message };
  if (err instanceof ConfigError) return { code: EXIT.badConfiguration, message: err.message };
  if (err instanceof TemporalUnreachableError) return { code: EXIT.temporalUnavailable, message: err.message };
  if (err instanceof CaseNotFoundError) return { code: EXIT.notFound, message: err.message };
  if (err instanceof CaseDiagramError) return { code: EXIT.internalError, message: err.message };
  return { code: EXIT.internalError, message: err };
}

main().catch((err) => {
  const { code, message } = failure(err);
  console.error(message);
  process.exit(code);
});
