/**
 * The payloads the audit model sends: for every event type, a few fully valid variants, each
 * built for one side of a guard the procedures test (a trend that improved or not, consent for
 * the service a guard asks about or another, a date inside or outside a time limit, a meeting of
 * the kind a state waits for or another kind). Every variant is parsed with the real event
 * schema, so the model can never send what the workflow would refuse as malformed.
 *
 * Dates and times come from the model's clock, so a guard that compares an event's date with its
 * time decides exactly as it would in a real case. Which variants a state actually takes is
 * decided by the machine (`snapshot.can`), never here: the list is the same for every procedure.
 */
import { type CaseEvent, type EventType, parseCaseEvent } from '../machines/events';
import type { Role, Service } from '../machines/vocabulary';
import { systemEventTypes } from '../workflows/case-messages';

const DAY_MS = 24 * 60 * 60 * 1000;

/** yyyy-MM-dd of a moment (UTC). */
export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** ISO date-time (UTC) of a moment. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** One payload variant of an event type; `variant` names the guard side it was built for. */
export interface EventVariant {
  variant?: string;
  event: CaseEvent;
}

type Payload = Record<string, unknown>;
interface RawVariant {
  variant?: string;
  role?: Role;
  payload: Payload;
}

/**
 * Absence counts far above every default limit of the four procedures (A: over 10 days, E: over
 * 8 days or 10 lessons, E: 10 valid days in a half-year) and far below them. The coverage test
 * proves that these reach both sides of every threshold guard under the default policies.
 */
const OVER_LIMIT_DAYS = 30;
const OVER_LIMIT_LESSONS = 40;
const UNDER_LIMIT_DAYS = 1;
/** Days without notice at or above A's and E's contact rules (3 school days), and below them. */
const NOTICE_MISSING_LONG = 5;
const NOTICE_MISSING_SHORT = 1;
/** An evaluation date inside every procedure's limit (three weeks), outside it, and already passed. */
const EVALUATION_WITHIN_DAYS = 14;
const EVALUATION_BEYOND_DAYS = 60;

/** Services the model consents to or refers to: the ones guards ask about, plus one they do not. */
export const MODEL_CONSENT_SERVICES: readonly Service[] = ['school-nurse', 'bup', 'ppt'];

/** Who sends an event of this type unless a variant says otherwise. */
function defaultRole(type: EventType): Role {
  // The school records what the guardians said or agreed: they are never senders (machines/authorization.ts).
  if (type === 'absence.noticeReceived') return 'contact-teacher';
  if (systemEventTypes.includes(type)) return 'system';
  switch (type) {
    case 'schoolOwner.informed':
    case 'escalation.decided':
    case 'case.closed':
    case 'concern.reported':
    case 'childWelfare.consulted':
    case 'referral.sent':
    case 'evaluation.held':
      return 'principal';
    case 'consent.given':
    case 'consent.withdrawn':
      return 'contact-teacher';
    case 'schoolNurse.conversationHeld':
      return 'school-nurse';
    default:
      return 'contact-teacher';
  }
}

/** The raw variants of `type` at event time `atMs`; `consents` limits withdrawals to what was given. */
function rawVariants(type: EventType, atMs: number, consents: readonly string[]): RawVariant[] {
  const today = dateOf(atMs);
  const inDays = (n: number) => dateOf(atMs + n * DAY_MS);
  const ref = (kind: string) => `arkiv/${kind}`;
  switch (type) {
    case 'absence.thresholdReached':
    case 'absence.newTrigger': {
      const dates = [inDays(-2), inDays(-1)];
      return [
        {
          variant: 'absence=over-limit',
          payload: { trigger: { rule: 'days-or-lessons-over-limit', dates, days: OVER_LIMIT_DAYS, lessons: OVER_LIMIT_LESSONS } },
        },
        ...(type === 'absence.thresholdReached'
          ? [{ variant: 'absence=over-day-limit', payload: { trigger: { rule: 'days-over-limit', dates, days: OVER_LIMIT_DAYS } } }]
          : [
              {
                variant: 'absence=without-notice',
                payload: { trigger: { rule: 'unnotified-absence', dates: [...dates, today], days: 3 } },
              },
            ]),
        {
          variant: 'absence=under-limit',
          payload: { trigger: { rule: 'days-or-lessons-over-limit', dates, days: UNDER_LIMIT_DAYS, lessons: 0 } },
        },
      ];
    }
    case 'absence.trend':
      return (['improved', 'unchanged', 'worse'] as const).map((trend) => ({
        variant: `trend=${trend}`,
        payload: { trend, from: inDays(-14), to: today, absenceDays: trend === 'improved' ? 0 : 3 },
      }));
    case 'absence.noticeMissing':
      return [
        {
          variant: 'days-without-notice=long',
          payload: { firstDay: inDays(-NOTICE_MISSING_LONG), schoolDaysWithoutNotice: NOTICE_MISSING_LONG },
        },
        { variant: 'days-without-notice=short', payload: { firstDay: today, schoolDaysWithoutNotice: NOTICE_MISSING_SHORT } },
      ];
    case 'absence.noticeReceived':
      return [{ payload: { documentRef: ref('fravaersmelding') } }];
    case 'guardians.contacted':
      return (['illness', 'school-related', 'unknown'] as const).map((cause) => ({
        variant: `cause=${cause}`,
        payload: { channel: 'phone', cause, documentRef: ref('samtalelogg') },
      }));
    case 'absenceCause.assessed':
      return [
        { variant: 'school-related=no', payload: { relatedToSchool: false, guardiansExpectReturn: true } },
        { variant: 'return-expected=no', payload: { relatedToSchool: true, guardiansExpectReturn: false } },
        { variant: 'school-related=yes,return-expected=yes', payload: { relatedToSchool: true, guardiansExpectReturn: true } },
      ];
    case 'illness.confirmed':
      return [
        { variant: 'closing-approved=yes', payload: { recurring: false, guardiansApproveClosing: true, documentRef: ref('sykdom') } },
        { variant: 'closing-approved=no', payload: { recurring: false, guardiansApproveClosing: false, documentRef: ref('sykdom') } },
      ];
    case 'staff.informed':
      return [
        { variant: 'recipients=leadership', payload: { recipients: ['principal', 'counsellor'] } },
        { variant: 'recipients=teachers', payload: { recipients: ['teacher-team'] } },
      ];
    case 'schoolOwner.informed':
      return [{ role: 'principal', payload: { documentRef: ref('melding-skoleeier') } }];
    case 'meeting.scheduled': {
      const scheduledFor = isoOf(atMs + 2 * DAY_MS);
      return [
        {
          variant: 'meeting=guardian-conversation,ungdomslos=invited',
          payload: {
            meeting: 'guardian-conversation',
            scheduledFor,
            participants: ['contact-teacher', 'guardians', 'pupil', 'ungdomslos'],
          },
        },
        {
          variant: 'meeting=guardian-conversation,ungdomslos=not-invited',
          payload: { meeting: 'guardian-conversation', scheduledFor, participants: ['contact-teacher', 'guardians', 'pupil'] },
        },
        {
          variant: 'meeting=pupil-conversation',
          payload: { meeting: 'pupil-conversation', scheduledFor, participants: ['contact-teacher', 'pupil'] },
        },
      ];
    }
    case 'meeting.held': {
      const held = (variant: string, meeting: string, participants: Role[]): RawVariant => ({
        variant,
        payload: { meeting, participants, pupilPresent: true, minutesRef: ref(`referat-${meeting}`) },
      });
      return [
        held('meeting=leadership-meeting', 'leadership-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil']),
        held('meeting=evaluation-meeting', 'evaluation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil']),
        held('meeting=innsatsteam-pre-meeting', 'innsatsteam-pre-meeting', ['principal', 'contact-teacher', 'innsatsteam']),
        held('meeting=guardian-conversation,leadership=present', 'guardian-conversation', [
          'contact-teacher',
          'school-leadership',
          'guardians',
        ]),
        held('meeting=guardian-conversation,leadership=absent', 'guardian-conversation', ['contact-teacher', 'guardians']),
      ];
    }
    case 'mapping.completed':
      return (['psychosocial-environment', 'absence-pattern', 'extended-mapping'] as const).map((form) => ({
        variant: `form=${form}`,
        payload: { form, documentRef: ref(`kartlegging-${form}`) },
      }));
    case 'pupilVoice.recorded':
      return [{ payload: { via: 'pupil', documentRef: ref('elevens-stemme') } }];
    case 'measures.agreed': {
      const measures = (variant: string, evaluationDate: string): RawVariant => ({
        variant,
        payload: { measures: ['fast morgenkontakt med en trygg voksen'], evaluationDate, planRef: ref('tiltaksplan') },
      });
      return [
        measures('evaluation-date=within-limit', inDays(EVALUATION_WITHIN_DAYS)),
        measures('evaluation-date=beyond-limit', inDays(EVALUATION_BEYOND_DAYS)),
        measures('evaluation-date=passed', inDays(-1)),
      ];
    }
    case 'cooperationAgreement.signed': {
      const signed = (variant: string, evaluationDate: string, signedBy: Role[], hasPlanB: boolean): RawVariant => ({
        variant,
        payload: { evaluationDate, signedBy, hasPlanB, documentRef: ref('samarbeidsavtale') },
      });
      const everyone: Role[] = ['principal', 'contact-teacher', 'guardians', 'pupil'];
      return [
        signed('agreement=complete', inDays(EVALUATION_WITHIN_DAYS), everyone, true),
        signed('agreement=without-plan-b', inDays(EVALUATION_WITHIN_DAYS), everyone, false),
        signed('agreement=not-signed-by-pupil', inDays(EVALUATION_WITHIN_DAYS), ['principal', 'contact-teacher', 'guardians'], true),
        signed('agreement=evaluation-beyond-limit', inDays(EVALUATION_BEYOND_DAYS), everyone, true),
      ];
    }
    case 'evaluation.held':
      return (['improved', 'unchanged', 'worse'] as const).map((outcome) => ({
        variant: `outcome=${outcome}`,
        payload: { outcome, minutesRef: ref('evaluering') },
      }));
    case 'consent.given':
      return MODEL_CONSENT_SERVICES.map((service) => ({
        variant: `service=${service}`,
        payload: { service, documentRef: ref(`samtykke-${service}`) },
      }));
    case 'consent.withdrawn':
      // Only consent that was given can be withdrawn; withdrawing nothing is no real event.
      return MODEL_CONSENT_SERVICES.filter((service) => consents.includes(service)).map((service) => ({
        variant: `service=${service}`,
        payload: { service, documentRef: ref(`samtykke-trukket-${service}`) },
      }));
    case 'referral.sent':
      return [
        { variant: 'service=innsatsteam', payload: { service: 'innsatsteam', documentRef: ref('henvisning-innsatsteam') } },
        { variant: 'service=ppt', payload: { service: 'ppt', documentRef: ref('henvisning-ppt') } },
        { variant: 'service=child-welfare', payload: { service: 'child-welfare', documentRef: ref('henvisning-barnevern') } },
        { variant: 'service=bup,by=doctor', role: 'doctor', payload: { service: 'bup', documentRef: ref('henvisning-bup') } },
        { variant: 'service=bup,by=principal', payload: { service: 'bup', documentRef: ref('henvisning-bup') } },
      ];
    case 'concern.reported':
      return [{ payload: { documentRef: ref('bekymringsmelding') } }];
    case 'childWelfare.consulted':
      return [{ payload: { advice: 'school-continues', documentRef: ref('droefting-barnevern') } }];
    case 'suspicion.raised':
      return [{ payload: { kind: 'neglect', documentRef: ref('notat-mistanke') } }];
    case 'schoolNurse.conversationHeld':
      return [
        { variant: 'conclusion=undetermined', payload: { conclusion: 'undetermined', documentRef: ref('helsenotat') } },
        { variant: 'conclusion=no-medical-cause', payload: { conclusion: 'no-medical-cause', documentRef: ref('helsenotat') } },
      ];
    case 'escalation.decided':
      return [{ payload: { reason: 'fraværet øker raskt', documentRef: ref('beslutning-eskalering') } }];
    case 'document.recorded':
      return [
        { variant: 'kind=decision-note', payload: { kind: 'decision-note', documentRef: ref('beslutningsnotat') } },
        { variant: 'kind=contact-log', payload: { kind: 'contact-log', documentRef: ref('logg') } },
      ];
    case 'case.closed': {
      const closed = (reason: string, role?: Role): RawVariant => ({
        variant: role ? `reason=${reason},by=${role}` : `reason=${reason}`,
        ...(role ? { role } : {}),
        payload: { reason, note: 'begrunnelse i avslutningsnotatet', documentRef: ref('avslutningsnotat') },
      });
      return [
        closed('natural-explanation'),
        closed('natural-explanation', 'contact-teacher'),
        closed('illness-approved'),
        closed('absence-improved'),
        closed('pupil-moved'),
      ];
    }
  }
}

/** Variants already checked against their schema; the shape of a variant never depends on the time. */
const validated = new Set<string>();

/**
 * Every payload variant of `type` for an event at `atMs`. `eventId` names the event (the path
 * generator renumbers ids per path); `consents` are the services the case currently has consent
 * for. The first build of each variant is parsed with the real schema (a malformed variant
 * throws); later builds differ only in times and dates, so they skip the parse, which keeps
 * graph generation fast.
 */
export function eventVariants(type: EventType, atMs: number, eventId: string, consents: readonly string[] = []): EventVariant[] {
  return rawVariants(type, atMs, consents).map(({ variant, role, payload }) => {
    const actorRole = role ?? defaultRole(type);
    const raw = { type, eventId, actor: { role: actorRole, userId: `modell-${actorRole}` }, at: isoOf(atMs), ...payload };
    const key = `${type}|${variant ?? ''}`;
    let event: CaseEvent;
    if (validated.has(key)) {
      event = raw as unknown as CaseEvent;
    } else {
      event = parseCaseEvent(raw);
      validated.add(key);
    }
    return { ...(variant ? { variant } : {}), event };
  });
}

/** How the workflow receives an event of this type: detection facts by Signal, human events by Update. */
export function viaOf(type: EventType): 'signal' | 'update' {
  return systemEventTypes.includes(type) ? 'signal' : 'update';
}
