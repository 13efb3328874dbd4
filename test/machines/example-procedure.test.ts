/**
 * A procedure is one definition: the example procedure, defined in test/fixtures/example-procedure.ts
 * alone and registered only in a test registry, goes through detection, the diagrams, the
 * traceability table and the audit's paths and invariants without any other file knowing it.
 */
import { checkDeadlineCoverage, checkInvariants } from '../../audit/invariants';
import { coverage, generatePaths } from '../../audit/paths';
import { activeRules, detect } from '../../detection/rules';
import { runDetection } from '../../detection/run-detection';
import { buildSchoolDirectory } from '../../detection/school-directory';
import { InMemoryTriggerLedger } from '../../detection/trigger-ledger';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { resolveDetectionPolicy } from '../../detection/policy';
import { procedureDot } from '../../diagrams/dot';
import { diagramFiles } from '../../diagrams/files';
import { procedureMermaid } from '../../diagrams/mermaid';
import { buildCaseInput, procedureRegistry } from '../../machines/registry';
import { buildTraceability, renderTraceability } from '../../scripts/lib/traceability';
import { FakeDispatcher, calendar, calendarConfig, whole } from '../detection/fixtures';
import { EXAMPLE_ID, exampleProcedure } from '../fixtures/example-procedure';
import { exampleRegistry } from '../fixtures/example-registry';

test('the example procedure is in the test registry only', () => {
  expect(exampleRegistry.get(EXAMPLE_ID)).toBe(exampleProcedure);
  expect(procedureRegistry.has(EXAMPLE_ID)).toBe(false);
  expect(() => resolveDetectionPolicy(EXAMPLE_ID)).toThrow(/Ingen terskler/);
});

describe('detection reads the rules and thresholds from the definition', () => {
  test('[X.1] its own threshold: two consecutive school days open a case', () => {
    expect(resolveDetectionPolicy(EXAMPLE_ID, undefined, exampleRegistry).consecutiveSchoolDays).toBe(2);
    expect(activeRules(EXAMPLE_ID, exampleRegistry).map((r) => r.id)).toEqual(['consecutive-days', 'unnotified-absence']);
    const registrations = [whole('2026-04-27', { pupilId: 'eks-1' }), whole('2026-04-28', { pupilId: 'eks-1' })];
    const found = detect(EXAMPLE_ID, registrations, calendar, '2026-06-19', [], undefined, exampleRegistry);
    expect(found).toEqual([
      expect.objectContaining({ rule: 'consecutive-days', dates: ['2026-04-27', '2026-04-28'], procedureId: EXAMPLE_ID, pupilId: 'eks-1' }),
    ]);
    // The trigger opens a case under the procedure.
    expect(() => buildCaseInput(exampleProcedure, { ...caseFactsFor(found[0]!.dates) })).not.toThrow();
  });

  test("[X.1] a day without notice carries the procedure's own clause", () => {
    const found = detect(
      EXAMPLE_ID,
      [whole('2026-04-27', { pupilId: 'eks-2', notifiedByGuardians: false })],
      calendar,
      '2026-06-19',
      [],
      undefined,
      exampleRegistry,
    );
    expect(found).toEqual([expect.objectContaining({ rule: 'unnotified-absence', clause: 'X.1' })]);
  });
});

test('[X.1] a detection run over a school on the procedure opens its case under it', async () => {
  // The school directory names only registered procedures; the school is moved onto the example after it is read.
  const read = buildSchoolDirectory({
    formatVersion: 1,
    municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
    schools: [{ schoolId: 'skole1', name: 'Testskole', municipality: 'test' }],
  });
  const directory = {
    get: (schoolId: string) => {
      const settings = read.get(schoolId);
      return settings && { ...settings, procedureId: EXAMPLE_ID };
    },
    schoolIds: () => read.schoolIds(),
  };
  const store = new InMemoryRegistrationStore();
  await store.upsert([whole('2026-05-05'), whole('2026-05-06')]);
  const dispatcher = new FakeDispatcher();
  const options = {
    store,
    directory,
    ledger: new InMemoryTriggerLedger(),
    dispatcher,
    today: '2026-05-06',
    now: new Date('2026-05-06T09:00:00Z'),
  };
  expect((await runDetection({ ...options, registry: exampleRegistry })).opened).toBe(1);
  expect(dispatcher.started[0]?.input).toMatchObject({
    procedureId: EXAMPLE_ID,
    facts: { trigger: { rule: 'consecutive-days', days: 2 } },
  });
  // Without the registry, detection does not know the procedure.
  await expect(runDetection({ ...options, ledger: new InMemoryTriggerLedger() })).rejects.toThrow(/Ukjent rutine «example-procedure»/);
});

function caseFactsFor(dates: string[]) {
  return {
    caseId: 'eks-sak',
    schoolId: 'S001',
    pupilId: 'eks-1',
    grade: 9,
    openedAt: `${dates[dates.length - 1]}T08:00:00.000Z`,
    trigger: { rule: 'consecutive-days', dates, days: dates.length },
  };
}

describe('diagrams and traceability', () => {
  test('[X.3] the diagrams draw every state with its Norwegian label and the named delays', async () => {
    const dot = procedureDot(exampleProcedure);
    for (const label of ['Kontakt med hjemmet', 'Eleven høres, tiltak avtales', 'Tiltak følges og evalueres', 'Avsluttet']) {
      expect(dot).toContain(label);
    }
    expect(dot).toContain('etter 3 uker');
    expect(procedureMermaid(exampleProcedure)).toMatch(/^stateDiagram-v2/m);
    const files = await diagramFiles(exampleRegistry);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining([`${EXAMPLE_ID}.dot`, `${EXAMPLE_ID}.svg`, `${EXAMPLE_ID}.mmd`]));
  });

  test('[X.2] the traceability table has a row per clause, with its states and the tests citing it', () => {
    const rows = buildTraceability(exampleRegistry).filter((r) => r.procedureId === EXAMPLE_ID);
    expect(rows.map((r) => r.clauseId)).toEqual(['X.1', 'X.2', 'X.3', 'X.4']);
    for (const row of rows) {
      expect(row.states.length).toBeGreaterThan(0);
      expect(row.tests.length).toBeGreaterThan(0);
    }
    expect(rows.find((r) => r.clauseId === 'X.3')?.delays).toEqual(['evaluationAfterThreeWeeks']);
    expect(renderTraceability(rows, exampleRegistry)).toContain('## Eksempelrutine for fravær (`example-procedure` v1');
  });
});

describe('the audit: paths and invariants', () => {
  const paths = generatePaths(exampleProcedure);

  test('[X.4] the paths cover every state and transition, each ending closed', () => {
    const report = coverage(exampleProcedure, paths);
    expect(report.states.uncovered).toEqual([]);
    expect(report.transitions.uncovered).toEqual([]);
    expect(paths.length).toBeGreaterThan(5);
  });

  test('[X.2] every invariant holds on every path, and every deadline fires on some path', () => {
    for (const path of paths) expect(checkInvariants(path, exampleProcedure).filter((r) => !r.passed)).toEqual([]);
    expect(checkDeadlineCoverage(exampleProcedure, paths).filter((r) => !r.passed)).toEqual([]);
  });
});
