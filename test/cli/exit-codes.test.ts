/** One table of exit codes for every CLI: the README documents exactly the codes app/exit-codes.ts defines. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, exitCodeMeanings } from '../../app/exit-codes';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 5));
const documented = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => Number(m[1]));

test('the README lists every exit code, once, in order', () => {
  expect(documented).toEqual(Object.values(EXIT).sort((a, b) => a - b));
});

test('every exit code has a Norwegian meaning for the --help texts', () => {
  expect(Object.keys(exitCodeMeanings).map(Number)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
});
