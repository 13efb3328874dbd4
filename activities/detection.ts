/**
 * The daily detection activity: reads the stored registrations and detection's ledger from the
 * school's database and the school directory from its file, runs detection as of today (Norwegian date) and delivers triggers and trends
 * to the cases through the injected Temporal client. Heartbeats one line per school, so a run
 * over many schools is visibly alive and a worker that dies mid-run is noticed quickly.
 * Idempotent: a retry delivers the same event ids again, which the cases ignore. A broken school
 * directory or a damaged stored record fails the run without retries (a person must fix it); the
 * Norwegian message names it and the fault. A database that cannot be reached is retried.
 */
import { Context } from '@temporalio/activity';
import type { CaseClient } from '../app/case-client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { TemporalCaseDispatcher } from '../detection/case-dispatcher';
import { type DetectionRunSummary, osloDate, runDetection } from '../detection/run-detection';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { SqlTriggerLedger, TriggerLedgerError } from '../detection/trigger-ledger';
import { SqlSchoolLocks } from '../detection/school-locks';
import { loadSchoolDirectoryIntoDatabase } from '../detection/school-directory-store';
import { RegistrationStoreError, SqlRegistrationStore } from '../intake/registration-store';
import { DatabaseError, openMigratedDatabase } from '../app/database/database';
import { isoDateSchema } from '../machines/events';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { INVALID_ACTIVITY_INPUT, INVALID_SCHOOL_DIRECTORY } from '../workflows/activity-errors';

export interface DetectionActivityDependencies {
  /** The case client detection opens and signals cases through (its task queue is the cases'). */
  cases: CaseClient;
  /** The school's database: registrations and detection's ledger (a relative SQLite path already resolved). */
  databaseUrl: string;
  schoolsConfig: string;
}

const inputSchema = z.strictObject({ today: isoDateSchema.optional() });
export type DailyDetectionInput = z.infer<typeof inputSchema>;

export function createDetectionActivities(deps: DetectionActivityDependencies) {
  return {
    async runDailyDetection(input: unknown): Promise<DetectionRunSummary> {
      const parsed = inputSchema.safeParse(input ?? {}, parseOptions);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(
          `Ugyldig input til den daglige fraværsdeteksjonen: ${describeIssues(parsed.error, '(input)', input).join('; ')}`,
          INVALID_ACTIVITY_INPUT,
        );
      }
      let directory;
      try {
        directory = await loadSchoolDirectory(deps.schoolsConfig);
      } catch (err) {
        // A broken directory is fixed by a person, not by retrying.
        if (err instanceof SchoolDirectoryError) throw ApplicationFailure.nonRetryable(err.message, INVALID_SCHOOL_DIRECTORY);
        throw err;
      }
      // A database that cannot be reached now may be back at the next retry.
      const database = await openMigratedDatabase(deps.databaseUrl).catch((err: unknown) => {
        throw err instanceof DatabaseError ? ApplicationFailure.retryable(err.message, err.name) : err;
      });
      try {
        await loadSchoolDirectoryIntoDatabase(database, directory, deps.schoolsConfig);
        return await runDetection({
          store: new SqlRegistrationStore(database),
          directory,
          ledger: new SqlTriggerLedger(database),
          locks: new SqlSchoolLocks(database),
          dispatcher: new TemporalCaseDispatcher(deps.cases),
          today: parsed.data.today ?? osloDate(),
          onProgress: (line) => Context.current().heartbeat(line),
        });
      } catch (err) {
        // A damaged record stays damaged on every retry.
        if (err instanceof TriggerLedgerError || err instanceof RegistrationStoreError)
          throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      } finally {
        await database.close();
      }
    },
  };
}

export type DetectionActivities = ReturnType<typeof createDetectionActivities>;
