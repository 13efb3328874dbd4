/** docs/people-format.md documents exactly the columns and role names the parser reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peopleColumns } from '../../people/parse-people';
import { norwegianRoleNames } from '../../people/people-schema';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'people-format.md'), 'utf8');
const tableRows = doc.split('\n').filter((line) => /^\| `/.test(line));

test('each column of the format is a row of the documented table, with every header name it accepts', () => {
  const documented = tableRows.map((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  // Each column also accepts its canonical English name (its key); users are shown the Norwegian ones. `type` is both.
  const norwegian = Object.entries(peopleColumns).map(([key, names]) => names.filter((n) => n !== key || key === 'type'));
  expect(documented).toEqual(norwegian);
});

test('every Norwegian role name is documented', () => {
  const roleSection = doc.slice(doc.indexOf('Role names in `roller`'), doc.indexOf('Example:'));
  for (const name of Object.keys(norwegianRoleNames)) expect([name, roleSection.includes(`\`${name}\``)]).toEqual([name, true]);
});
