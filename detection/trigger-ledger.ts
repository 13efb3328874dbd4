/**
 * The detection ledger: per school and pupil, the triggers already delivered to a case and the
 * last trend sent. Detection needs it for two rules: a "new" trigger counts only absence after
 * the evidence of the triggers before it (procedure C §3, `detect`'s previousTriggers), and a
 * trend is sent when it changes or has not been sent for a week, not every day.
 *
 * The ledger is written only after Temporal accepted a message, and every message carries a
 * deterministic event id that the case workflow deduplicates, so a crash between the two only
 * means the next run sends the same message again, harmlessly. Losing the ledger is not
 * dangerous either: open cases ignore the repeated facts; only a case closed since would be
 * opened again from the old absence, which a coordinator then closes.
 */
import { sql } from 'kysely';
import type { AppDatabase } from '../app/database/database';
import { quoteValue } from '../machines/identifiers';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { type PupilLedger, TriggerLedgerError, pupilLedgerSchema } from './ledger-record';

export { type LedgerTrigger, type PupilLedger, TriggerLedgerError, type TriggerLedgerSource, pupilLedgerSchema } from './ledger-record';

export interface TriggerLedger {
  /** The school's pupils that detection has delivered anything for, by pupil id. */
  load(schoolId: string): Promise<Map<string, PupilLedger>>;
  /** Replaces the school's ledger. */
  save(schoolId: string, pupils: ReadonlyMap<string, PupilLedger>): Promise<void>;
}

const clone = (pupils: ReadonlyMap<string, PupilLedger>) => new Map([...pupils].map(([id, p]) => [id, structuredClone(p)]));

export class InMemoryTriggerLedger implements TriggerLedger {
  private readonly schools = new Map<string, Map<string, PupilLedger>>();

  async load(schoolId: string): Promise<Map<string, PupilLedger>> {
    return clone(this.schools.get(schoolId) ?? new Map());
  }

  async save(schoolId: string, pupils: ReadonlyMap<string, PupilLedger>): Promise<void> {
    this.schools.set(schoolId, clone(pupils));
  }
}

/** Rows written or deleted per statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const WRITE_CHUNK = 500;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** How a message names one pupil's ledger in the database. */
const rowName = (schoolId: string, pupilId: string) => `Deteksjonsloggen for skole ${quoteValue(schoolId)}, elev ${quoteValue(pupilId)}`;

/** A stored row's record, checked; a damaged one is a TriggerLedgerError naming the school, the pupil and the fault. */
function parseLedgerRow(schoolId: string, pupilId: string, record: string): PupilLedger {
  const source = { schoolId, pupilId };
  let json: unknown;
  try {
    json = JSON.parse(record);
  } catch (err) {
    throw new TriggerLedgerError(`${rowName(schoolId, pupilId)} er skadet (ikke gyldig JSON: ${(err as Error).message})`, source);
  }
  const parsed = pupilLedgerSchema.safeParse(json, parseOptions);
  if (!parsed.success)
    throw new TriggerLedgerError(
      `${rowName(schoolId, pupilId)} er skadet: ${describeIssues(parsed.error, '(posten)', json).slice(0, 3).join('; ')}`,
      source,
    );
  if (parsed.data.pupilId !== pupilId)
    throw new TriggerLedgerError(`${rowName(schoolId, pupilId)} er skadet: posten gjelder elev ${quoteValue(parsed.data.pupilId)}`, source);
  return parsed.data;
}

/**
 * A pupil's ledger as the row stores it: checked against the schema (a record the next load
 * would refuse never enters the database) and written in the schema's field order, so an
 * unchanged ledger gives the same text and its row is left alone.
 */
function ledgerRecord(schoolId: string, pupilId: string, pupil: PupilLedger): string {
  const parsed = pupilLedgerSchema.safeParse(pupil, parseOptions);
  if (!parsed.success)
    throw new TriggerLedgerError(
      `${rowName(schoolId, pupilId)} kan ikke lagres: ${describeIssues(parsed.error, '(posten)', pupil).slice(0, 3).join('; ')}`,
      { schoolId, pupilId },
    );
  if (parsed.data.pupilId !== pupilId)
    throw new TriggerLedgerError(`${rowName(schoolId, pupilId)} kan ikke lagres: posten gjelder elev ${quoteValue(parsed.data.pupilId)}`, {
      schoolId,
      pupilId,
    });
  return JSON.stringify(parsed.data);
}

export interface SqlTriggerLedgerOptions {
  /** The clock of `updated_at`; default the real one. */
  now?: () => Date;
  /** Rows per statement (tests use small ones to fail half-way). */
  chunkSize?: number;
}

/**
 * The ledger in the school's database (app/database/: SQLite or PostgreSQL), one row per school
 * and pupil. A save is one transaction: it deletes the pupils no longer in the ledger and
 * upserts the changed ones, so a failure half-way leaves the previous ledger whole, and an
 * unchanged pupil keeps its row and its `updated_at`. One run per school at a time is the
 * school lock's job (school-locks.ts); on PostgreSQL two saves of one school are serialized too,
 * so one replaces the other entirely.
 */
export class SqlTriggerLedger implements TriggerLedger {
  private readonly now: () => Date;
  private readonly chunkSize: number;

  constructor(
    private readonly database: AppDatabase,
    options: SqlTriggerLedgerOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.chunkSize = options.chunkSize ?? WRITE_CHUNK;
  }

  async load(schoolId: string): Promise<Map<string, PupilLedger>> {
    const rows = await this.database.db
      .selectFrom('detection_ledger')
      .select(['pupil_id', 'record'])
      .where('school_id', '=', schoolId)
      .orderBy('pupil_id')
      .execute();
    return new Map(rows.map((row) => [row.pupil_id, parseLedgerRow(schoolId, row.pupil_id, row.record)]));
  }

  async save(schoolId: string, pupils: ReadonlyMap<string, PupilLedger>): Promise<void> {
    const records = new Map(
      [...pupils].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, p]) => [id, ledgerRecord(schoolId, id, p)]),
    );
    const updatedAt = this.now().toISOString();
    await this.database.db.transaction().execute(async (trx) => {
      // SQLite's immediate transaction already holds the file's one write lock.
      if (this.database.kind === 'postgres')
        await sql`select pg_advisory_xact_lock(hashtext(${`detection_ledger:${schoolId}`}))`.execute(trx);
      const stored = new Map(
        (await trx.selectFrom('detection_ledger').select(['pupil_id', 'record']).where('school_id', '=', schoolId).execute()).map((row) => [
          row.pupil_id,
          row.record,
        ]),
      );
      const gone = [...stored.keys()].filter((id) => !records.has(id)).sort();
      for (const some of chunks(gone, this.chunkSize)) {
        await trx.deleteFrom('detection_ledger').where('school_id', '=', schoolId).where('pupil_id', 'in', some).execute();
      }
      const changed = [...records]
        .filter(([id, record]) => stored.get(id) !== record)
        .map(([id, record]) => ({ school_id: schoolId, pupil_id: id, record, updated_at: updatedAt }));
      for (const some of chunks(changed, this.chunkSize)) {
        await trx
          .insertInto('detection_ledger')
          .values(some)
          .onConflict((oc) =>
            oc
              .columns(['school_id', 'pupil_id'])
              .doUpdateSet((eb) => ({ record: eb.ref('excluded.record'), updated_at: eb.ref('excluded.updated_at') })),
          )
          .execute();
      }
    });
  }
}
