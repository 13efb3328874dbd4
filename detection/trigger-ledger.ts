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
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { absenceTriggerSchema, isoDateSchema } from '../machines/events';
import { trendSchema } from '../machines/vocabulary';
import { writeFileAtomic } from '../intake/atomic-write';
import { describeIssues, parseOptions } from '../machines/zod-issues';

const ledgerTriggerSchema = absenceTriggerSchema.extend({
  /** The event id the trigger was delivered under (see dispatch-plan.ts). */
  eventId: z.string().min(1),
  firedOn: isoDateSchema,
  /** 'opened' the case, was 'signalled' to the open case, or was 'merged' into the trigger another rule found the same day (not sent). */
  delivery: z.enum(['opened', 'signalled', 'merged']),
  recordedAt: z.string(),
});
export type LedgerTrigger = z.infer<typeof ledgerTriggerSchema>;

const pupilLedgerSchema = z.object({
  pupilId: z.string().min(1),
  triggers: z.array(ledgerTriggerSchema),
  /** False once a trend could not be delivered because the case had closed; a new trigger reopens. */
  caseOpen: z.boolean(),
  /** The run date (`today`) of the run that opened the current case: no trend is sent on that date. */
  openedOn: isoDateSchema.optional(),
  lastTrend: z.object({ trend: trendSchema, to: isoDateSchema, sentOn: isoDateSchema, eventId: z.string().min(1) }).optional(),
});
export type PupilLedger = z.infer<typeof pupilLedgerSchema>;

const ledgerFileSchema = z.object({
  formatVersion: z.literal(1),
  schoolId: z.string(),
  pupils: z.array(pupilLedgerSchema),
});

/** The ledger file of a school cannot be read or is damaged; the message names the file and the fault. */
export class TriggerLedgerError extends Error {
  override name = 'TriggerLedgerError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

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

/** One JSON file per school under `dir` (default data/detection), written atomically. */
export class FileTriggerLedger implements TriggerLedger {
  constructor(private readonly dir: string) {}

  private file(schoolId: string): string {
    return path.join(this.dir, `${encodeURIComponent(schoolId)}.ledger.json`);
  }

  async load(schoolId: string): Promise<Map<string, PupilLedger>> {
    const file = this.file(schoolId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new TriggerLedgerError(`Kan ikke lese deteksjonsloggen ${file}: ${(err as Error).message}`, file);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new TriggerLedgerError(`Deteksjonsloggen ${file} er skadet (ikke gyldig JSON: ${(err as Error).message})`, file);
    }
    const parsed = ledgerFileSchema.safeParse(json, parseOptions);
    if (!parsed.success)
      throw new TriggerLedgerError(
        `Deteksjonsloggen ${file} er skadet: ${describeIssues(parsed.error, '(filen)', json).slice(0, 3).join('; ')}`,
        file,
      );
    return new Map(parsed.data.pupils.map((p) => [p.pupilId, p]));
  }

  async save(schoolId: string, pupils: ReadonlyMap<string, PupilLedger>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const sorted = [...pupils.values()].sort((a, b) => (a.pupilId < b.pupilId ? -1 : a.pupilId > b.pupilId ? 1 : 0));
    await writeFileAtomic(this.file(schoolId), `${JSON.stringify({ formatVersion: 1, schoolId, pupils: sorted }, null, 1)}\n`);
  }
}
