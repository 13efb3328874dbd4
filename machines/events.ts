/**
 * The event vocabulary shared by every procedure machine: one zod schema per event, a
 * discriminated union over all of them, and the TypeScript types inferred from the schemas.
 *
 * Every event says who did it (role and user id), when (ISO date-time with offset) and carries
 * an id, so the case workflow can apply a retried or duplicated message exactly once. Machines
 * take time only from these timestamps; they have no clock of their own.
 */
import { z } from 'zod';
import {
  documentKindSchema,
  meetingKindSchema,
  roleSchema,
  serviceSchema,
  suspicionKindSchema,
  trendSchema,
  triggerRuleSchema,
} from './vocabulary';
import { describeIssues, parseOptions } from './zod-issues';

/** A calendar date, yyyy-MM-dd. */
export const isoDateSchema = z.iso.date();
/** A point in time with its offset, e.g. 2026-09-01T08:15:00+02:00. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });
/** A reference to a stored document (archive id, file name or URL); never the content. */
export const documentRefSchema = z.string().trim().min(1, 'dokumentreferansen kan ikke være tom');

export const actorSchema = z.strictObject({
  role: roleSchema,
  userId: z.string().trim().min(1, 'bruker-id kan ikke være tom'),
});
export type Actor = z.infer<typeof actorSchema>;

/** Evidence behind an absence trigger, so a coordinator can see why the case moved. */
export const absenceTriggerSchema = z.strictObject({
  rule: triggerRuleSchema,
  /** The dates whose absence made the rule fire. */
  dates: z.array(isoDateSchema).min(1, 'en utløser må nevne minst én dato'),
  /** Single lessons counted, where the rule counts lessons. */
  lessons: z.number().int().nonnegative().optional(),
  /** Whole days counted, where the rule counts days. */
  days: z.number().nonnegative().optional(),
});
export type AbsenceTrigger = z.infer<typeof absenceTriggerSchema>;

const common = {
  eventId: z.string().trim().min(1, 'hendelses-id kan ikke være tom'),
  actor: actorSchema,
  at: isoDateTimeSchema,
};

/**
 * One event's schema. Strict: a field the schema does not know is refused, never dropped, so a
 * misspelt field (`causeNotes` for `causeNote`) cannot lose what the person wrote.
 */
function event<T extends string, S extends z.ZodRawShape>(type: T, payload: S) {
  return z.strictObject({ type: z.literal(type), ...common, ...payload });
}

/** Every event schema by its type. Add new events here; the union and types follow. */
export const eventSchemas = {
  /** Detection (or a teacher) finds absence over a procedure's threshold. */
  'absence.thresholdReached': event('absence.thresholdReached', { trigger: absenceTriggerSchema }),
  /** A further threshold is crossed after the case is open (procedure C step 3). */
  'absence.newTrigger': event('absence.newTrigger', { trigger: absenceTriggerSchema }),
  /** Detection's periodic summary of how absence develops. */
  'absence.trend': event('absence.trend', {
    trend: trendSchema,
    from: isoDateSchema,
    to: isoDateSchema,
    absenceDays: z.number().nonnegative(),
    absenceLessons: z.number().int().nonnegative().optional(),
  }),
  /** Absence with no notice from the guardians. */
  'absence.noticeMissing': event('absence.noticeMissing', {
    firstDay: isoDateSchema,
    schoolDaysWithoutNotice: z.number().int().positive(),
  }),
  /** The guardians gave notice of the absence and its reason. */
  'absence.noticeReceived': event('absence.noticeReceived', { documentRef: documentRefSchema }),
  /** The school contacted the guardians; the stated cause decides the next step. */
  'guardians.contacted': event('guardians.contacted', {
    channel: z.enum(['phone', 'meeting', 'digital-message', 'letter', 'home-visit']),
    cause: z.enum(['illness', 'natural-explanation', 'school-related', 'home-related', 'unknown', 'other']),
    causeNote: z.string().trim().max(2000).optional(),
    /** The logged conversation (kept in the archive). */
    documentRef: documentRefSchema,
  }),
  /**
   * In a conversation with the guardians: whether the absence stems from conditions at school and
   * whether the guardians expect to get the pupil back to school (the Hardanger action plan offers a further
   * conversation within a week when either answer is no). The content stays in the minutes.
   */
  'absenceCause.assessed': event('absenceCause.assessed', {
    relatedToSchool: z.boolean(),
    guardiansExpectReturn: z.boolean(),
  }),
  /** Illness is the cause, and whether the guardians approve closing the case on that ground. */
  'illness.confirmed': event('illness.confirmed', {
    recurring: z.boolean(),
    guardiansApproveClosing: z.boolean(),
    documentRef: documentRefSchema,
  }),
  /** Colleagues, leadership or the resource team were told about the case. */
  'staff.informed': event('staff.informed', { recipients: z.array(roleSchema).min(1, 'si hvem som ble informert') }),
  /** The school owner (municipality) was told that the case reached a higher level. */
  'schoolOwner.informed': event('schoolOwner.informed', { documentRef: documentRefSchema }),
  /** A meeting was set up. */
  'meeting.scheduled': event('meeting.scheduled', {
    meeting: meetingKindSchema,
    scheduledFor: isoDateTimeSchema,
    participants: z.array(roleSchema).min(1, 'et møte må ha deltakere'),
  }),
  /** A meeting took place; its minutes are archived. */
  'meeting.held': event('meeting.held', {
    meeting: meetingKindSchema,
    participants: z.array(roleSchema).min(1, 'et møte må ha deltakere'),
    pupilPresent: z.boolean(),
    minutesRef: documentRefSchema,
  }),
  /** A mapping (kartlegging) was completed and filed. */
  'mapping.completed': event('mapping.completed', {
    form: z.enum(['psychosocial-environment', 'absence-pattern', 'situation-mapping', 'extended-mapping', 'medical']),
    documentRef: documentRefSchema,
  }),
  /** The pupil's own view was heard, directly or through an adult the pupil trusts (Udir). */
  'pupilVoice.recorded': event('pupilVoice.recorded', {
    via: z.enum(['pupil', 'trusted-adult']),
    documentRef: documentRefSchema,
  }),
  /** Measures for pupil, school and home were agreed, with the date they will be evaluated. */
  'measures.agreed': event('measures.agreed', {
    measures: z.array(z.string().trim().min(1, 'et tiltak kan ikke være tomt')).min(1, 'minst ett tiltak'),
    evaluationDate: isoDateSchema,
    planRef: documentRefSchema,
  }),
  /** A cooperation agreement (samarbeidsavtale) was signed by everyone present. */
  'cooperationAgreement.signed': event('cooperationAgreement.signed', {
    evaluationDate: isoDateSchema,
    signedBy: z.array(roleSchema).min(1, 'si hvem som signerte'),
    /**
     * Who was present when it was drawn up; everyone present signs (the Rælingen guide's agreement
     * template). Optional: without it, those who signed are taken to be those present.
     */
    present: z.array(roleSchema).min(1, 'si hvem som var til stede').optional(),
    hasPlanB: z.boolean(),
    documentRef: documentRefSchema,
  }),
  /** The measures were evaluated. */
  'evaluation.held': event('evaluation.held', {
    outcome: trendSchema,
    minutesRef: documentRefSchema,
  }),
  /** Guardians (or a pupil of age) consented to involving a named service. */
  'consent.given': event('consent.given', { service: serviceSchema, documentRef: documentRefSchema }),
  /** Consent for a service was withdrawn. */
  'consent.withdrawn': event('consent.withdrawn', { service: serviceSchema, documentRef: documentRefSchema }),
  /** A referral to a named service was sent. */
  'referral.sent': event('referral.sent', { service: serviceSchema, documentRef: documentRefSchema }),
  /** A formal report of concern (bekymringsmelding) was sent to child welfare. */
  'concern.reported': event('concern.reported', { documentRef: documentRefSchema }),
  /** Child welfare was consulted (anonymously or not) and gave its advice. */
  'childWelfare.consulted': event('childWelfare.consulted', {
    advice: z.enum(['child-welfare-follows-up', 'school-continues']),
    documentRef: documentRefSchema,
  }),
  /** Someone suspects violence, abuse, neglect, substance abuse by guardians or serious behaviour. */
  'suspicion.raised': event('suspicion.raised', { kind: suspicionKindSchema, documentRef: documentRefSchema }),
  /** A conversation with the school nurse about physical or medical causes. */
  'schoolNurse.conversationHeld': event('schoolNurse.conversationHeld', {
    conclusion: z.enum(['medical-cause', 'no-medical-cause', 'undetermined']),
    documentRef: documentRefSchema,
  }),
  /** The school judges that the case must move up a level before its time limit. */
  'escalation.decided': event('escalation.decided', {
    reason: z.string().trim().min(1, 'oppgi hvorfor saken løftes'),
    documentRef: documentRefSchema,
  }),
  /** A document that no other event carries (e.g. a log note) was filed. */
  'document.recorded': event('document.recorded', { kind: documentKindSchema, documentRef: documentRefSchema }),
  /** The case is closed; the reason and note are kept. */
  'case.closed': event('case.closed', {
    reason: z.enum(['natural-explanation', 'illness-approved', 'absence-improved', 'pupil-moved', 'handed-over', 'other']),
    note: z.string().trim().min(1, 'si hvorfor saken avsluttes'),
    documentRef: documentRefSchema,
  }),
} as const;

export type EventType = keyof typeof eventSchemas;
export const eventTypes = Object.keys(eventSchemas) as EventType[];

/** Any case event, validated. */
export const caseEventSchema = z.discriminatedUnion(
  'type',
  Object.values(eventSchemas) as unknown as [(typeof eventSchemas)[EventType], ...(typeof eventSchemas)[EventType][]],
);
export type CaseEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];
export type CaseEventOf<K extends EventType> = Extract<CaseEvent, { type: K }>;

/** Thrown when an event does not match its schema; the message names the event and each bad field. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Validates an unknown value as a case event. Throws InvalidEventError naming the fields at fault and their values. */
export function parseCaseEvent(value: unknown): CaseEvent {
  const result = caseEventSchema.safeParse(value, parseOptions);
  if (result.success) return result.data as CaseEvent;
  const type = typeof value === 'object' && value !== null && 'type' in value ? String(value.type) : '(uten type)';
  if (!(eventTypes as string[]).includes(type)) {
    throw new InvalidEventError(`Ukjent hendelsestype «${type}». Kjente typer: ${eventTypes.join(', ')}.`);
  }
  const fields = describeIssues(result.error, '(hendelsen)', value);
  throw new InvalidEventError(`Ugyldig hendelse «${type}»: ${fields.join('; ')}`);
}
