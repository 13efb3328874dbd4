/**
 * Norwegian messages for the command-line mistakes Node's `parseArgs` finds (unknown option,
 * option without its value, value given to a flag, unexpected argument). Its own messages are
 * English; the intake and generator CLIs show these instead, naming the option or value.
 */
import { quoteValue } from '../machines/identifiers';

/** The option or argument parseArgs quotes in its message, e.g. `--foo` from "Unknown option '--foo'". */
function quoted(message: string): string | undefined {
  return /'([^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, '');
}

/** A Norwegian sentence for an error thrown by `parseArgs`; other errors keep their message. */
export function parseArgsMessage(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const name = quoted(message);
  if (name !== undefined) {
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `Ukjent valg ${quoteValue(name)}.`;
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `Uventet argument ${quoteValue(name)}.`;
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (message.includes('does not take an argument')) return `Valget ${quoteValue(name)} tar ingen verdi.`;
      if (message.includes('ambiguous'))
        return `Valget ${quoteValue(name)} mangler verdi (en verdi som begynner med «-», skrives ${name}=-VERDI).`;
      return `Valget ${quoteValue(name)} mangler verdi.`;
    }
  }
  return `Ugyldig kommandolinje: ${message}`;
}
