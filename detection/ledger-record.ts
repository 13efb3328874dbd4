/**
 * What detection's ledger keeps per school and pupil (see trigger-ledger.ts): the record's schema,
 * which every store checks what it reads against (the database's rows, the old JSON files), and
 * the error for a ledger that cannot be read. Its own module, so the stores and the old file
 * reader share it without importing each other.
 */
import { z } from 'zod';
import { absenceTriggerSchema, isoDateSchema } from '../machines/events';
import { trendSchema } from '../machines/vocabulary';

const ledgerTriggerSchema = absenceTriggerSchema.extend({
  /** The event id the trigger was delivered under (see dispatch-plan.ts). */
  eventId: z.string().min(1),
  firedOn: isoDateSchema,
  /** 'opened' the case, was 'signalled' to the open case, or was 'merged' into the trigger another rule found the same day (not sent). */
  delivery: z.enum(['opened', 'signalled', 'merged']),
  recordedAt: z.string(),
});
export type LedgerTrigger = z.infer<typeof ledgerTriggerSchema>;

export const pupilLedgerSchema = z.object({
  pupilId: z.string().min(1),
  triggers: z.array(ledgerTriggerSchema),
  /** False once a trend could not be delivered because the case had closed; a new trigger reopens. */
  caseOpen: z.boolean(),
  /** The run date (`today`) of the run that opened the current case: no trend is sent on that date. */
  openedOn: isoDateSchema.optional(),
  lastTrend: z.object({ trend: trendSchema, to: isoDateSchema, sentOn: isoDateSchema, eventId: z.string().min(1) }).optional(),
});
export type PupilLedger = z.infer<typeof pupilLedgerSchema>;

/** Where a damaged ledger was found: the old file, or the school (and pupil) in the database. */
export interface TriggerLedgerSource {
  file?: string;
  schoolId?: string;
  pupilId?: string;
}

/** A school's ledger cannot be read or is damaged; the message (Norwegian) names where and the fault. */
export class TriggerLedgerError extends Error {
  override name = 'TriggerLedgerError';
  constructor(
    message: string,
    readonly source: TriggerLedgerSource,
  ) {
    super(message);
  }
}
