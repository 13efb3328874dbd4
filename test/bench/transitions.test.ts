/**
 * bench/transitions.ts: a few audit paths through the case host and through bare XState, the
 * figure of the machines group with its baseline, and both sides ending where the paths say. No
 * timing assertions.
 */
import { generatePaths } from '../../audit/paths';
import { getProcedure } from '../../machines/registry';
import { measureProcedureTransitions, runTransitionsBench, transitionsFigures } from '../../bench/transitions';

jest.setTimeout(3 * 60_000);

// The procedure whose paths generate fastest (about a second).
const PROCEDURE = 'tiltaksplan-elevfravaer';

test('a handful of paths: steps counted once per pass, both rates positive, bare XState ends every path as it expects', () => {
  const procedure = getProcedure(PROCEDURE);
  const paths = generatePaths(procedure).slice(0, 4);
  const result = measureProcedureTransitions(procedure, { rounds: 1, roundMs: 1 }, paths);
  expect(result.paths).toBe(4);
  expect(result.steps).toBe(paths.reduce((n, p) => n + p.steps.length, 0));
  expect(result.hostPerSecond).toBeGreaterThan(0);
  expect(result.barePerSecond).toBeGreaterThan(0);
  expect(result.bareAgrees).toBe(4);
  const [f] = transitionsFigures([result]);
  expect(f).toMatchObject({ group: 'machines', name: `pure transitions per second (${PROCEDURE})`, unit: 'steps/s' });
  expect(f?.baseline).toEqual({ name: 'bare XState transition()', value: result.barePerSecond });
  expect(f?.ratio).toBeCloseTo(result.hostPerSecond / result.barePerSecond);
});

test('runTransitionsBench reports one figure per chosen procedure and refuses an unknown one', async () => {
  const lines: string[] = [];
  const { figures, report } = await runTransitionsBench({ procedures: [PROCEDURE], rounds: 1, roundMs: 1 }, (line) => lines.push(line));
  expect(figures.map((f) => f.name)).toEqual([`pure transitions per second (${PROCEDURE})`]);
  expect(figures[0]?.baseline?.value).toBeGreaterThan(0);
  expect(report).toContain(PROCEDURE);
  expect(lines).toHaveLength(1);
  await expect(runTransitionsBench({ procedures: ['ukjent-rutine'] })).rejects.toThrow('unknown procedure ukjent-rutine');
});
