/** `npm run diagrams` arguments: all procedures, one case, help; refusals name what to fix. */
import { UsageError, parseDiagramsArgs } from '../../diagrams/cli-args';

test('no arguments writes every procedure', () => {
  expect(parseDiagramsArgs([])).toEqual({ kind: 'all' });
});

test('--case takes a school and a pupil, and an optional --out anywhere', () => {
  expect(parseDiagramsArgs(['--case', 'skole-1', 'elev-7'])).toEqual({ kind: 'case', schoolId: 'skole-1', pupilId: 'elev-7' });
  expect(parseDiagramsArgs(['--out', 'x/sak.svg', '--case', 'skole-1', 'elev-7'])).toEqual({
    kind: 'case',
    schoolId: 'skole-1',
    pupilId: 'elev-7',
    out: 'x/sak.svg',
  });
});

test('--help shows the usage', () => {
  expect(parseDiagramsArgs(['--help'])).toEqual({ kind: 'help' });
  expect(parseDiagramsArgs(['-h'])).toEqual({ kind: 'help' });
});

test.each([
  [['--case', 'skole-1'], '--case tar nøyaktig to verdier'],
  [['--case', 'a', 'b', 'c'], '--case tar nøyaktig to verdier'],
  [['skole-1', 'elev-7'], 'bare sammen med --case'],
  [['--bogus'], 'Ukjent valg «--bogus»'],
  [['--case', 'a', 'b', '--out'], 'Valget «--out» mangler verdi'],
  [['--case', 'a', 'b', '--out', 'sak.png'], '--out må være en .svg-fil'],
])('refuses %j: %s', (argv, message) => {
  expect(() => parseDiagramsArgs(argv)).toThrow(UsageError);
  expect(() => parseDiagramsArgs(argv)).toThrow(message);
});
