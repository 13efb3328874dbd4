/**
 * What the intake, detection and generator command lines share (cli/command-line.ts): parseArgs'
 * complaints as the tool's own usage error, a refused command line or bad setting as its exit
 * code, and a tool run as the process's main module.
 */
import { EXIT } from '../../app/exit-codes';
import { ConfigError } from '../../app/settings';
import { type MainProcess, parseCommandLine, refusedCommandLine, runAsMain } from '../../cli/command-line';

class ToolUsageError extends Error {}
const refusal = { usageError: ToolUsageError, usage: 'Bruk: verktøy', notDone: 'Ingenting ble gjort' };

function messages() {
  const lines: string[] = [];
  return { lines, io: { err: (line: string) => lines.push(line) } };
}

test('parseCommandLine answers what parseArgs answers, and throws its complaints in Norwegian as the tool’s usage error', () => {
  const options = { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  expect(parseCommandLine({ args: ['--out', 'a.csv', 'x'], options, allowPositionals: true }, ToolUsageError)).toEqual({
    values: { out: 'a.csv' },
    positionals: ['x'],
  });
  expect(() => parseCommandLine({ args: ['--utt'], options }, ToolUsageError)).toThrow(new ToolUsageError('Ukjent valg «--utt».'));
  expect(() => parseCommandLine({ args: ['x'], options }, ToolUsageError)).toThrow(ToolUsageError);
});

test('a usage error prints its message over the usage text (usage); a bad setting what was not done (badConfiguration)', () => {
  const usage = messages();
  expect(refusedCommandLine(new ToolUsageError('Mangler --out.'), usage.io, refusal)).toBe(EXIT.usage);
  expect(usage.lines).toEqual(['Mangler --out.\n\nBruk: verktøy']);
  const config = messages();
  expect(refusedCommandLine(new ConfigError('DATA_DIR er tom'), config.io, refusal)).toBe(EXIT.badConfiguration);
  expect(config.lines).toEqual(['Ingenting ble gjort: DATA_DIR er tom']);
});

test('any other error is no refusal: it is thrown on and nothing is printed', () => {
  const other = messages();
  const fault = new TypeError('programfeil');
  expect(() => refusedCommandLine(fault, other.io, refusal)).toThrow(fault);
  expect(() => refusedCommandLine(new Error('annen verktøyfeil'), other.io, refusal)).toThrow('annen verktøyfeil');
  expect(other.lines).toEqual([]);
});

function host(argv: string[]) {
  const exits: number[] = [];
  const errors: string[] = [];
  const main: MainProcess = { argv: ['node', 'tool.ts', ...argv], exit: (code) => exits.push(code), error: (line) => errors.push(line) };
  return { main, exits, errors };
}

test('run as main: the arguments after node and the script go in, the answered code is the exit code', async () => {
  const { main, exits, errors } = host(['import', 'fil.csv']);
  let given: string[] = [];
  await runAsMain(
    async (argv) => {
      given = argv;
      return EXIT.rowsRefused;
    },
    'importen',
    main,
  );
  expect(given).toEqual(['import', 'fil.csv']);
  expect(exits).toEqual([EXIT.rowsRefused]);
  expect(errors).toEqual([]);
});

test('run as main: a fault the tool did not foresee is printed naming the tool, and exits internalError', async () => {
  const { main, exits, errors } = host([]);
  await runAsMain(() => Promise.reject(new Error('disken er full')), 'generatoren', main);
  expect(exits).toEqual([EXIT.internalError]);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^Uventet feil i generatoren: Error: disken er full\n\s+at /);
  const thrown = host([]);
  await runAsMain(() => Promise.reject('ikke en feil'), 'importen', thrown.main);
  expect(thrown.errors).toEqual(['Uventet feil i importen: ikke en feil']);
});
