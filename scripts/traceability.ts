/** Writes docs/traceability.md (clause → states → tests) for every registered procedure. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT } from '../app/exit-codes';
import { TRACEABILITY_FILE, buildTraceability, renderTraceability } from './lib/traceability';

function run(): void {
  const rows = buildTraceability();
  mkdirSync(dirname(TRACEABILITY_FILE), { recursive: true });
  writeFileSync(TRACEABILITY_FILE, renderTraceability(rows));
  const untested = rows.filter((r) => r.tests.length === 0);
  const unmodelled = rows.filter((r) => r.states.length === 0);
  console.log(`Wrote ${TRACEABILITY_FILE}: ${rows.length} clauses, ${untested.length} without tests, ${unmodelled.length} without states.`);
}

try {
  run();
} catch (err) {
  console.error(`Sporbarhetstabellen kunne ikke skrives: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(EXIT.internalError);
}
