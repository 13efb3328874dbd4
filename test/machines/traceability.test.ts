/**
 * Every clause of every procedure is implemented by at least one state and checked by at least
 * one test, and docs/traceability.md is current (regenerate with `npm run traceability`).
 */
import { readFileSync } from 'node:fs';
import { TRACEABILITY_FILE, buildTraceability, renderTraceability } from '../../scripts/lib/traceability';

const rows = buildTraceability();

test('the table has clauses for every registered procedure', () => {
  expect(rows.length).toBeGreaterThan(0);
});

test.each(rows.map((r) => [`${r.procedureId} ${r.clauseId}`, r] as const))('clause %s is implemented by a state', (_name, row) => {
  expect(row.states).not.toEqual([]);
});

test.each(rows.map((r) => [`${r.procedureId} ${r.clauseId}`, r] as const))('clause %s is checked by a test', (_name, row) => {
  expect(row.tests).not.toEqual([]);
});

test('docs/traceability.md is up to date (run `npm run traceability`)', () => {
  expect(readFileSync(TRACEABILITY_FILE, 'utf8')).toBe(renderTraceability(rows));
});
