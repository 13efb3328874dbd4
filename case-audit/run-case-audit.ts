/**
 * The audit of real cases, end to end: list the cases of the scope in Temporal, fetch every run's
 * history, re-drive each through the case host and check it against its procedure version's
 * rules, and write the report (cases.json, validated; index.html; findings.csv) to `outDir`.
 * Usable by the command line (cli/case-audit.ts), `npm run audit -- --cases` and the web layer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { EXIT } from '../app/exit-codes';
import type { TemporalSettings } from '../app/settings';
import { caseDataConverter, connectClient, keyRingOf } from '../app/temporal';
import { auditCase } from './audit-case';
import { type CaseScope, type ListedCase, fetchCaseRuns, latestChains, listAuditedCases, mapWithConcurrency } from './case-histories';
import type { CaseRun } from './history-run';
import { type AuditedCase, type CaseAuditReport, buildCaseAuditReport } from './report';
import { renderFindingsCsv } from './render-csv';
import { renderCaseAuditHtml } from './render-html';

/** Where the cases are read: an open client (and the codecs its payloads were sealed with), or settings to connect with. */
export type CaseAuditTemporal = { client: Client; payloadCodecs?: readonly PayloadCodec[] } | { settings: TemporalSettings };

/** Pupils' names, for a caller allowed to see them (people/people-store.ts SqlPeopleDirectory has `pupilPeople`). */
export interface PupilNames {
  pupilPeople(schoolId: string, pupilId: string): Promise<{ pupil: { name: string } } | undefined>;
}

export interface CaseAuditOptions extends CaseScope {
  temporal: CaseAuditTemporal;
  /** Where cases.json, index.html and findings.csv are written (made if missing). */
  outDir: string;
  /** The county governor's report: pseudonymous case and pupil ids, no names, no free text. */
  pseudonymise?: boolean;
  /** The key of the pseudonyms; default: the key ring's case id key (settings), else required when pseudonymising. */
  pseudonymKey?: Buffer;
  /** Names of pupils, when the caller may see them; ignored when pseudonymising. */
  people?: PupilNames;
  /** The audit time (open cases' steps not yet taken are late up to it). */
  now?: Date;
  /** Cases fetched at a time (default 16). */
  concurrency?: number;
  /**
   * The cases to audit, instead of listing the scope's cases in visibility (a server without
   * visibility, such as the time-skipping test server; or one case for a page). The scope's school
   * and period are not applied to them.
   */
  cases?: readonly ListedCase[];
}

export interface CaseAuditOutcome {
  report: CaseAuditReport;
  files: { json: string; html: string; csv: string };
  /** EXIT.ok when no case has a finding, EXIT.checkFailed otherwise. */
  exitCode: typeof EXIT.ok | typeof EXIT.checkFailed;
}

/** File names in `outDir`. */
export const CASE_AUDIT_FILES = { json: 'cases.json', html: 'index.html', csv: 'findings.csv' } as const;

/** Runs the audit of the cases in the scope and writes its report. Throws when Temporal cannot be read. */
export async function runCaseAudit(options: CaseAuditOptions): Promise<CaseAuditOutcome> {
  const report = await auditCases(options);
  const files = writeCaseAuditReport(report, options.outDir);
  return { report, files, exitCode: report.summary.findings > 0 ? EXIT.checkFailed : EXIT.ok };
}

/** Audits the cases in the scope and answers the report (validated), writing nothing: for the web page. */
export async function auditCases(options: Omit<CaseAuditOptions, 'outDir'>): Promise<CaseAuditReport> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const { client, codecs, pseudonymKey, close } = await openTemporal(options);
  try {
    if (options.pseudonymise && !pseudonymKey) throw new Error('Pseudonymisering krever en nøkkel (nøkkelfilen i innstillingene).');
    const scope: CaseScope = {
      ...(options.schoolId !== undefined ? { schoolId: options.schoolId } : {}),
      ...(options.from !== undefined ? { from: options.from } : {}),
      ...(options.to !== undefined ? { to: options.to } : {}),
    };
    let fetchMs = 0;
    let replayMs = 0;
    const listStarted = performance.now();
    const listed = options.cases ? [...options.cases] : await listAuditedCases(client, scope, now);
    fetchMs += performance.now() - listStarted;
    const fetchStarted = performance.now();
    const chains = await mapWithConcurrency(listed, options.concurrency ?? 16, (c) => fetchCaseRuns(client, c, codecs));
    fetchMs += performance.now() - fetchStarted;
    const names = await pupilNamesOf(chains, options);
    const replayStarted = performance.now();
    const kept = latestChains(chains.map((runs, i) => ({ workflowId: listed[i]!.workflowId, runs })));
    const cases: AuditedCase[] = kept
      .filter((i) => chains[i]!.length > 0)
      .map((i) =>
        auditCase(listed[i]!.workflowId, chains[i]!, now.getTime(), {
          pseudonymise: options.pseudonymise ?? false,
          ...(pseudonymKey ? { pseudonymKey } : {}),
          pupilName: (school, pupil) => names.get(`${school}\u0000${pupil}`),
        }),
      );
    replayMs += performance.now() - replayStarted;
    const report = buildCaseAuditReport(cases, {
      generatedAt: new Date(),
      auditedAt: now,
      scope: { schoolId: options.schoolId ?? null, from: options.from ?? null, to: options.to ?? null },
      pseudonymised: options.pseudonymise ?? false,
      timings: { fetchMs: round(fetchMs), replayMs: round(replayMs), totalMs: round(performance.now() - started) },
    });
    return report;
  } finally {
    await close();
  }
}

/** Writes the three files of the report; returns their paths. */
export function writeCaseAuditReport(report: CaseAuditReport, outDir: string): CaseAuditOutcome['files'] {
  mkdirSync(outDir, { recursive: true });
  const files = {
    json: join(outDir, CASE_AUDIT_FILES.json),
    html: join(outDir, CASE_AUDIT_FILES.html),
    csv: join(outDir, CASE_AUDIT_FILES.csv),
  };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.html, renderCaseAuditHtml(report));
  writeFileSync(files.csv, renderFindingsCsv(report));
  return files;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

async function openTemporal(
  options: Omit<CaseAuditOptions, 'outDir'>,
): Promise<{ client: Client; codecs: readonly PayloadCodec[]; pseudonymKey: Buffer | undefined; close: () => Promise<void> }> {
  const { temporal } = options;
  if ('client' in temporal) {
    return {
      client: temporal.client,
      codecs: temporal.payloadCodecs ?? [],
      pseudonymKey: options.pseudonymKey,
      close: async () => undefined,
    };
  }
  const ring = keyRingOf(temporal.settings);
  const client = await connectClient(temporal.settings, ring);
  return {
    client,
    codecs: caseDataConverter(ring).payloadCodecs ?? [],
    pseudonymKey: options.pseudonymKey ?? ring.caseIdKey,
    close: () => client.connection.close(),
  };
}

async function pupilNamesOf(chains: readonly CaseRun[][], options: Omit<CaseAuditOptions, 'outDir'>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (options.pseudonymise || !options.people) return names;
  for (const runs of chains) {
    const facts = runs[0]?.input.facts;
    if (!facts) continue;
    const key = `${facts.schoolId}\u0000${facts.pupilId}`;
    if (names.has(key)) continue;
    const found = await options.people.pupilPeople(facts.schoolId, facts.pupilId);
    if (found) names.set(key, found.pupil.name);
  }
  return names;
}
