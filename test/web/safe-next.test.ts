/** Where sign-in sends a person afterwards: only a path on this site (web/routes/request-user.ts safeNext). */
import { safeNext } from '../../web/routes/request-user';

test.each([
  ['/saker?skole=S001#frister', '/saker?skole=S001#frister'],
  ['/saker/fravaerssak-S001-e1', '/saker/fravaerssak-S001-e1'],
])('keeps a path on this site: %s', (next, kept) => {
  expect(safeNext(next)).toBe(kept);
});

test.each([
  ['https://evil.example/'],
  ['//evil.example/'],
  ['/\\evil.example/'],
  ['/\t/evil.example/'],
  ['/\n/evil.example'],
  ['saker'],
  [''],
  [undefined],
  [42],
])('sends anything else to «Mine oppgaver»: %j', (next) => {
  expect(safeNext(next)).toBe('/oppgaver');
});
