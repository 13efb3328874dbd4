/** A small audit report in the shape of audit/report.ts's schema (version 3), with one failing procedure. */
import { type AuditReport, auditReportSchema } from '../../../audit/report';

const ratio = (covered: number, total: number) => ({ covered, total, percent: Math.floor((covered / total) * 1000) / 10, uncovered: [] });

export function auditReportFixture(): AuditReport {
  const path = (id: string, passed: boolean | null) => ({
    id,
    purpose: 'korteste vei',
    initial: { path: 'open.start', label: 'Start', status: 'active' },
    steps: [],
    invariants: [],
    conformance: passed === null ? null : { pathId: id, passed, message: passed ? 'lik modellen' : 'avvik', durationMs: 5 },
    passed: passed !== false,
  });
  return auditReportSchema.parse({
    schemaVersion: 3,
    generatedAt: '2026-11-30T12:00:00.000Z',
    tools: { node: '24', xstate: '5', temporalSdk: '1', temporalTestServer: '1', graphviz: 'viz' },
    options: { procedures: ['tiltaksplan-elevfravaer'], mutations: true, conformance: true },
    summary: {
      procedures: 1,
      paths: 3,
      steps: 12,
      invariantChecks: 30,
      invariantFailures: 0,
      conformancePassed: 2,
      conformanceFailed: 1,
      mutants: 6,
      mutantsKilled: 4,
      mutantsEquivalent: 1,
      mutationScore: 0.8,
      durationMs: 1000,
    },
    procedures: [
      {
        id: 'tiltaksplan-elevfravaer',
        version: 2,
        displayName: 'Tiltaksplan ved elevfravær',
        owner: 'Kommunen',
        specification: 'docs/procedures/tiltaksplan-elevfravaer.md',
        counts: { states: 10, transitions: 20, paths: 3, steps: 12 },
        coverage: { states: ratio(9, 10), transitions: ratio(20, 20) },
        paths: [path('t/1', true), path('t/2', true), path('t/3', false)],
        deadlineCoverage: [],
        mutations: { ran: true, total: 6, killed: 4, equivalent: 1, survived: 1, score: 0.8, byOperator: [], outcomes: [] },
        durationsMs: {},
        failures: ['1 mutant overlevde'],
        passed: false,
      },
    ],
    passed: false,
  });
}
