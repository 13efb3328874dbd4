/**
 * Parses `npm run diagrams` arguments. Pure, so every refusal is testable; a refusal names what
 * to fix.
 */
import { parseArgs } from 'node:util';

export type DiagramsCommand = { kind: 'all' } | { kind: 'case'; schoolId: string; pupilId: string; out?: string } | { kind: 'help' };

/** A command line the script cannot run. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Bruk: npm run diagrams -- [valg]

  (ingen valg)                         skriv docs/diagrams/<rutine>.dot, .svg og .mmd for alle rutiner
  --case SKOLE-ID ELEV-ID [--out FIL]  tegn én sak med veien den har gått og der den er nå
                                       (standard FIL: data/diagrams/<saks-id>.svg)
  --help                               vis denne hjelpen

Avslutningskoder (felles for alle kommandoene, se README): 0 ok, 1 uventet feil (også en sak som
ikke kan tegnes), 2 feil i valgene, 5 får ikke kontakt med Temporal, 6 feil i oppsettet, 8 fant ikke saken.`;

/** node:util's parseArgs refusal in Norwegian, naming the option. */
function describeParseError(err: unknown): string {
  // Not `instanceof Error`: node's errors come from another realm under jest.
  const { code, message } = err as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Ukjent valg «${option}».`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `Valget «${option}» mangler verdi eller har feil type verdi.`;
  return `Ugyldige valg: ${message ?? String(err)}`;
}

/** Parses the arguments after `npm run diagrams --`. Throws UsageError. */
export function parseDiagramsArgs(argv: readonly string[]): DiagramsCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { case: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${describeParseError(err)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (!values.case) {
    if (positionals.length > 0 || values.out !== undefined) {
      throw new UsageError(`Skole- og elev-id og --out brukes bare sammen med --case.\n\n${USAGE}`);
    }
    return { kind: 'all' };
  }
  const [schoolId, pupilId, ...rest] = positionals.map((p) => p.trim());
  if (!schoolId || !pupilId || rest.length > 0) {
    throw new UsageError(`--case tar nøyaktig to verdier: skole-id og elev-id.\n\n${USAGE}`);
  }
  if (values.out !== undefined && !values.out.trim().toLowerCase().endsWith('.svg')) {
    throw new UsageError(`--out må være en .svg-fil (fikk «${values.out}»).`);
  }
  return { kind: 'case', schoolId, pupilId, ...(values.out !== undefined ? { out: values.out.trim() } : {}) };
}
