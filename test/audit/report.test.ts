/**
 * The audit report: the JSON validates against its versioned zod schema, the README's schema section
 * documents exactly the schema's fields, and the HTML is one self-contained page with every
 * procedure's diagram, every path id and every text escaped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { checkDeadlineCoverage, checkInvariants } from '../../audit/invariants';
import { coverage, generatePaths } from '../../audit/paths';
import {
  AUDIT_SCHEMA_VERSION,
  type AuditReport,
  type ProcedureAuditResult,
  auditReportSchema,
  buildAuditReport,
  escapeHtml,
  inlineSvg,
  renderAuditHtml,
  stepText,
} from '../../audit/report';
import type { AuditPath, ConformanceResult, MutationOutcome } from '../../audit/types';
import { procedureDot, renderSvg } from '../../diagrams';
import { type ProcedureDefinition, getProcedure, currentProcedures } from '../../machines/registry';

const HOSTILE = '<script>alert("x")</script> & \'quoted\'';

/** A one-path stand-in for procedures whose full generation the report test does not need. */
function openingOnly(procedure: ProcedureDefinition, real: AuditPath): AuditPath {
  return { ...real, id: `${procedure.id}/1`, procedureId: procedure.id, purpose: 'åpning', steps: [] };
}

let inputs: ProcedureAuditResult[];
let report: AuditReport;
let html: string;
let svgs: Map<string, string>;

beforeAll(async () => {
  const c = getProcedure('tiltaksplan-elevfravaer');
  const paths = generatePaths(c);
  paths[0] = { ...paths[0]!, purpose: `${paths[0]!.purpose} ${HOSTILE}` };
  const conformance = new Map<string, ConformanceResult>(
    paths.map((p, i) => [
      p.id,
      i === 1
        ? {
            pathId: p.id,
            passed: false,
            failedStep: 0,
            expected: p.steps[0]!.expected,
            actual: { value: 'x', path: 'x', status: 'active' },
            message: `Steg 1: ${HOSTILE}`,
            durationMs: 12,
          }
        : { pathId: p.id, passed: true, message: 'Alle steg like.', durationMs: 10 },
    ]),
  );
  const mutations: MutationOutcome[] = [
    {
      id: `${c.id}/a`,
      procedureId: c.id,
      operator: 'negate-guard',
      place: 'a',
      description: 'Vakten snus',
      verdict: 'invariant',
      caughtBy: 'required-documents',
      detail: 'fanget',
    },
    {
      id: `${c.id}/b`,
      procedureId: c.id,
      operator: 'shorten-delay',
      place: 'b',
      description: HOSTILE,
      verdict: 'survived',
      caughtBy: null,
      detail: 'overlevde',
    },
    {
      id: `${c.id}/c`,
      procedureId: c.id,
      operator: 'shorten-delay',
      place: 'c',
      description: 'Fristen forkortes',
      verdict: 'equivalent',
      caughtBy: null,
      detail: 'Samme modellgraf som originalen',
    },
    {
      id: `${c.id}/d`,
      procedureId: c.id,
      operator: 'drop-transition',
      place: 'd',
      description: 'Overgangen fjernes',
      verdict: 'conformance-graph',
      caughtBy: 'conformance',
      detail: 'steg 2 avviker',
    },
  ];
  inputs = currentProcedures().map((procedure): ProcedureAuditResult => {
    if (procedure.id === c.id) {
      return {
        procedure,
        paths,
        coverage: coverage(procedure, paths),
        invariants: new Map(paths.map((p) => [p.id, checkInvariants(p, procedure)])),
        conformance,
        deadlineCoverage: checkDeadlineCoverage(procedure, paths),
        mutations,
        durationsMs: { paths: 1, conformance: 2 },
      };
    }
    const only = openingOnly(procedure, paths[0]!);
    return {
      procedure,
      paths: [only],
      coverage: { states: { covered: 1, total: 1, uncovered: [] }, transitions: { covered: 1, total: 2, uncovered: ['a → b'] } },
      invariants: new Map([[only.id, [{ invariant: 'no-dead-end', passed: true, message: 'ok' }]]]),
      deadlineCoverage: [],
      durationsMs: {},
    };
  });
  report = buildAuditReport(inputs, {
    durationMs: 1234,
    conformance: true,
    mutations: true,
    generatedAt: new Date('2026-11-23T10:00:00Z'),
  });
  svgs = new Map<string, string>();
  for (const procedure of currentProcedures()) svgs.set(procedure.id, await renderSvg(procedureDot(procedure)));
  html = renderAuditHtml(report, svgs);
});

test('the JSON report validates against the versioned schema and survives a JSON round trip', () => {
  expect(report.schemaVersion).toBe(AUDIT_SCHEMA_VERSION);
  expect(() => auditReportSchema.parse(JSON.parse(JSON.stringify(report)))).not.toThrow();
  expect(report.procedures.map((p) => p.id)).toEqual(currentProcedures().map((p) => p.id));
  expect(report.tools.xstate).toBe('5.33.3');
});

test('counts, coverage, mutation score and verdicts follow from the results', () => {
  const c = report.procedures.find((p) => p.id === 'tiltaksplan-elevfravaer')!;
  expect(c.counts.paths).toBe(inputs.find((i) => i.procedure.id === c.id)!.paths.length);
  expect(c.coverage.states.percent).toBe(100);
  // The equivalent mutant is neither caught nor a survivor, and stays out of the score.
  expect(c.mutations).toMatchObject({ ran: true, total: 4, killed: 2, equivalent: 1, survived: 1, score: 2 / 3 });
  expect(c.mutations.byOperator).toEqual([
    { operator: 'drop-transition', mutants: 1, invariant: 0, conformanceGraph: 1, conformanceTemporal: 0, equivalent: 0, survived: 0 },
    { operator: 'negate-guard', mutants: 1, invariant: 1, conformanceGraph: 0, conformanceTemporal: 0, equivalent: 0, survived: 0 },
    { operator: 'shorten-delay', mutants: 2, invariant: 0, conformanceGraph: 0, conformanceTemporal: 0, equivalent: 1, survived: 1 },
    { operator: 'alle', mutants: 4, invariant: 1, conformanceGraph: 1, conformanceTemporal: 0, equivalent: 1, survived: 1 },
  ]);
  expect(c.paths[1]!.passed).toBe(false);
  expect(c.passed).toBe(false);
  expect(c.failures).toEqual(expect.arrayContaining(['1 stier avvek fra arbeidsflyten', '1 mutanter overlevde']));
  const other = report.procedures.find((p) => p.id !== c.id)!;
  expect(other.coverage.transitions).toEqual({ covered: 1, total: 2, percent: 50, uncovered: ['a → b'] });
  expect(other.mutations).toMatchObject({ ran: false, score: null });
  expect(other.failures).toContain('overgangsdekning 50 %');
  expect(report.summary).toMatchObject({
    procedures: 4,
    conformanceFailed: 1,
    mutants: 4,
    mutantsKilled: 2,
    mutantsEquivalent: 1,
    mutationScore: 2 / 3,
    durationMs: 1234,
  });
  expect(report.passed).toBe(false);
});

test('a report that breaks the schema is refused', () => {
  expect(() => auditReportSchema.parse({ ...report, schemaVersion: 1 })).toThrow();
  const broken = structuredClone(report) as unknown as { procedures: { coverage: { states: { percent: number } } }[] };
  broken.procedures[0]!.coverage.states.percent = 140;
  expect(() => auditReportSchema.parse(broken)).toThrow();
});

test('steps read as Norwegian sentences with the state labels from meta', () => {
  const c = getProcedure('tiltaksplan-elevfravaer');
  const steps = inputs.find((i) => i.procedure.id === c.id)!.paths.flatMap((p) => p.steps);
  const contact = steps.find(
    (s) => s.kind === 'event' && s.event.type === 'guardians.contacted' && s.event.actor.role === 'contact-teacher',
  )!;
  expect(stepText(c, contact)).toMatch(/^Hendelse «guardians\.contacted»( \[[^\]]+\])? av kontaktlærer → steg «[^»]+»$/);
  const delay = steps.find((s) => s.kind === 'delay' && s.delayName === 'threeDayPlanPeriod')!;
  expect(stepText(c, delay)).toBe('Frist «threeDayPlanPeriod» løp ut → steg «Oppfølging etter bedring»');
});

test('the HTML is one self-contained page with every procedure diagram inline and every path id', () => {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).toContain('<html lang="nb">');
  for (const procedure of report.procedures) {
    const section = html.slice(html.indexOf(`<section class="procedure" id="${procedure.id}"`));
    expect(section.slice(0, section.indexOf('</section>'))).toContain('<svg');
    for (const path of procedure.paths) expect(html).toContain(`id="${path.id}"`);
  }
  expect(html.match(/<svg/g)).toHaveLength(report.procedures.length);
  // No external assets, no scripts, no XML prolog inside the page.
  expect(html).not.toMatch(/<(script|link)\b/i);
  expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
  expect(html).not.toContain('<?xml');
  expect(html).toContain('Mutasjonsscore: <strong>66,7 %</strong>');
  expect(html).toContain('Ekvivalente mutanter, og hvorfor (1)');
  expect(html).toContain('<th>Fanget av avspilling, avgjort på grafen</th>');
  expect(html).toContain('✘');
  expect(html).toContain('✔');
});

test('texts from paths, checks and mutants are escaped in the HTML', () => {
  expect(html).not.toContain(HOSTILE);
  expect(html).toContain(escapeHtml(HOSTILE));
  expect(escapeHtml(HOSTILE)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
  expect(inlineSvg('<?xml version="1.0"?><svg onload="x()"><script>x()</script><a href="javascript:x()">t</a></svg>')).toBe(
    '<svg><a href="#">t</a></svg>',
  );
});

// ---------------------------------------------------------------------------------------------
// The README's schema section and the zod schema name the same fields

type Shape = Record<string, z.ZodType>;
const unwrap = (schema: z.ZodType): z.ZodType => {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodArray) s = s.element as z.ZodType;
    else return s;
  }
};
const shapeAt = (path: string[]): Shape => {
  let schema: z.ZodType = auditReportSchema;
  for (const key of path) schema = unwrap((unwrap(schema) as z.ZodObject).shape[key] as z.ZodType);
  return (unwrap(schema) as z.ZodObject).shape as Shape;
};

/** Each documented table, by its heading, and where its fields live in the schema. */
const sections: Record<string, string[][]> = {
  'Top level': [[]],
  '`tools`': [['tools']],
  '`options`': [['options']],
  '`summary`': [['summary']],
  '`procedures[]`': [['procedures']],
  'Coverage ratio': [
    ['procedures', 'coverage', 'states'],
    ['procedures', 'coverage', 'transitions'],
  ],
  '`paths[]`': [['procedures', 'paths']],
  State: [
    ['procedures', 'paths', 'initial'],
    ['procedures', 'paths', 'steps', 'expected'],
  ],
  '`paths[].steps[]`': [['procedures', 'paths', 'steps']],
  'Invariant result': [
    ['procedures', 'paths', 'invariants'],
    ['procedures', 'deadlineCoverage'],
  ],
  '`paths[].conformance`': [['procedures', 'paths', 'conformance']],
  '`mutations`': [['procedures', 'mutations']],
  '`mutations.byOperator[]`': [['procedures', 'mutations', 'byOperator']],
  '`mutations.outcomes[]`': [['procedures', 'mutations', 'outcomes']],
};

test('the README documents exactly the fields of the zod schema, table by table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(`### Audit report JSON (\`reports/audit/audit.json\`), schema version ${AUDIT_SCHEMA_VERSION}`);
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start);
  const doc = readme.slice(start, end === -1 ? undefined : end);
  const tables = new Map<string, string[]>();
  let heading = '';
  for (const line of doc.split('\n')) {
    const h = /^#{4} (.+)$/.exec(line);
    if (h) {
      heading = h[1]!;
      continue;
    }
    const row = /^\| `([A-Za-z]+)` \|/.exec(line);
    if (row) tables.set(heading, [...(tables.get(heading) ?? []), row[1]!]);
  }
  const headingFor = (key: string) => [...tables.keys()].find((h) => h === key || h.startsWith(`${key} (`));
  for (const [key, locations] of Object.entries(sections)) {
    const found = headingFor(key);
    expect({ key, found: found !== undefined }).toEqual({ key, found: true });
    for (const location of locations) {
      expect({ table: key, fields: [...tables.get(found!)!].sort() }).toEqual({
        table: key,
        fields: Object.keys(shapeAt(location)).sort(),
      });
    }
  }
  // Every table is accounted for.
  expect([...tables.keys()].every((h) => Object.keys(sections).some((key) => h === key || h.startsWith(`${key} (`)))).toBe(true);
});
