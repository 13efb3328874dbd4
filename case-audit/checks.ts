/**
 * The rule checks of the audit of real cases: each reads a replayed case (its steps, view and
 * procedure version) and returns findings that cite the procedure's clauses. Pure: the audit time
 * is passed in, so a check of an open case counts a step not yet taken up to it.
 *
 * What each rule checks:
 * - deadline-missed: a person's deadline (not one of the procedure's routine delays) fell due and
 *   the step it asked for came late (a person's step that moved the case on, as the host's overdue
 *   rule clears it), or not at all by the audit time. One finding per overdue episode: reminders
 *   that repeat while the case is already overdue belong to the first deadline's finding.
 * - first-contact-late: time from the first absence in the opening trigger's evidence to the
 *   first contact with the guardians (`guardians.contacted`, or a held meeting with the guardians),
 *   against the procedure's limit (FIRST_CONTACT_LIMITS).
 * - required-documents: a person's step moved the case out of a state without the documents its
 *   meta requires on file (not for closings because the pupil moved or the case was handed over,
 *   nor for steps that raise harm, as the path audit judges them).
 * - pupil-voice-before-measures: measures or a cooperation agreement were agreed before the
 *   pupil's voice was recorded (D.2).
 * - delivery-failed: an effect (a message, a notice) could not be carried out, a person's
 *   delivery failed, or a role it was meant for reached nobody.
 * - required-notice-missing: a state whose meta requires an effect on entry (e.g. the school owner
 *   informed, A.T2.2) was entered and that effect was never delivered.
 * - child-welfare-first: while a suspicion of harm waited for child welfare, another measure or
 *   service came first (E.CW1).
 */
import { effectLabels, eventNames, roleNames } from '../machines/labels';
import type { CaseEvent } from '../machines/events';
import type { ProcedureDefinition } from '../machines/registry';
import { agreesMeasures as agreesMeasuresEvent, isLeavingResponsibility, isMeasureEvent } from '../machines/rule-predicates';
import type { Role } from '../machines/vocabulary';
import type { TimelineEntry } from '../workflows/case-messages';
import { type CaseStep, type CheckedView, type EventStep, clausesAt, labelAt, pathAt, statesOf } from './case-steps';
import { delayName } from '../machines/labels';
import { CASE_RULES, type CaseRuleId, type Severity } from './rules';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One finding: a rule a case broke, where and when, citing the procedure's clauses. */
export interface CaseFinding {
  rule: CaseRuleId;
  severity: Severity;
  workflowId: string;
  caseId: string;
  schoolId: string;
  pupilId: string;
  procedureId: string;
  procedureVersion: number;
  /** Clause ids of the procedure (docs/procedures/, machines/clause-texts.ts). */
  clauses: string[];
  /** When what the finding is about happened or fell due (ISO). */
  at: string;
  /** When the step fell due, where the rule has a deadline (ISO). */
  dueAt?: string;
  /** When the step was taken (ISO), or null when it had not been by the audit time. */
  doneAt?: string | null;
  /** Whole days late, where the rule has a deadline. */
  daysLate?: number;
  /** In Norwegian, for the auditor. */
  message: string;
}

/** What the checks read of one replayed case. */
export interface CheckedCase {
  procedure: ProcedureDefinition;
  view: CheckedView;
  steps: readonly CaseStep[];
  route: readonly { path: string; at: string }[];
  /** The case's policy (the procedure's defaults with the municipality's overrides). */
  policy: Record<string, unknown>;
  /** The audit time (ms). */
  nowMs: number;
  /** Whether the case's runs record delivered effects on the timeline (`effect-timeline`); older ones record only failures. */
  effectTimeline: boolean;
}

const dateText = (iso: string) => iso.slice(0, 10);
/** «1 dag», «3 dager». */
export const daysText = (n: number) => `${n} ${n === 1 ? 'dag' : 'dager'}`;
/** Whole days from `fromMs` to `toMs`, a part of a day counting as a day (never negative). */
export const daysBetween = (fromMs: number, toMs: number) => Math.max(0, Math.ceil((toMs - fromMs) / DAY_MS));

function finding(
  c: CheckedCase,
  rule: CaseRuleId,
  fields: Omit<CaseFinding, 'rule' | 'severity' | 'workflowId' | 'caseId' | 'schoolId' | 'pupilId' | 'procedureId' | 'procedureVersion'>,
): CaseFinding {
  return {
    rule,
    severity: CASE_RULES[rule].severity,
    workflowId: c.view.workflowId,
    caseId: c.view.caseId,
    schoolId: c.view.schoolId,
    pupilId: c.view.pupilId,
    procedureId: c.procedure.id,
    procedureVersion: c.procedure.version,
    ...fields,
  };
}

const isPersonStep = (s: CaseStep): s is EventStep => s.kind === 'event' && s.actorRole !== 'system';

// ---------------------------------------------------------------------------------------------
// deadline-missed

export function deadlineFindings(c: CheckedCase): CaseFinding[] {
  const out: CaseFinding[] = [];
  let open: { name: string; dueAt: string; path: string } | undefined;
  const close = (doneAt: string | null) => {
    if (!open) return;
    const dueMs = Date.parse(open.dueAt);
    const doneMs = doneAt === null ? c.nowMs : Date.parse(doneAt);
    const daysLate = daysBetween(dueMs, doneMs);
    const what = delayName(open.name);
    out.push(
      finding(c, 'deadline-missed', {
        clauses: clausesAt(c.procedure, open.path),
        at: open.dueAt,
        dueAt: open.dueAt,
        doneAt,
        daysLate,
        message:
          doneAt === null
            ? `Fristen «${what}» (${dateText(open.dueAt)}) i steget «${labelAt(c.procedure, open.path)}» er passert med ${daysText(daysLate)}, og steget er ikke tatt.`
            : `Fristen «${what}» (${dateText(open.dueAt)}) i steget «${labelAt(c.procedure, open.path)}» ble overholdt først ${dateText(doneAt)}, ${daysText(daysLate)} for sent.`,
      }),
    );
    open = undefined;
  };
  for (const step of c.steps) {
    if (step.kind === 'deadline') {
      if (c.procedure.routineDelays.includes(step.name)) continue;
      if (!open && !step.closed) open = { name: step.name, dueAt: step.dueAt, path: step.pathBefore };
      continue;
    }
    const moved = step.pathAfter !== step.pathBefore || step.closed;
    // Only a person's step that moves the case on meets the deadline (the host's overdue rule).
    if (open && moved && (step.actorRole !== 'system' || step.closed)) close(step.at);
  }
  if (open && c.view.status === 'open') close(null);
  return out;
}

// ---------------------------------------------------------------------------------------------
// first-contact-late

/**
 * How long each procedure gives the school to reach the guardians, in days after the opening
 * pattern's last absence day (its policy value), and the clause that sets it. Plan for skolenærvær
 * sets a limit only for absence without notice, in school days from its first day (A.5.1b: the
 * guardians' notice within 3 days); a case it opens on over ten days' absence has none (the time
 * to first contact is still measured).
 */
export const FIRST_CONTACT_LIMITS: Record<
  string,
  { policyKey: string; schoolDaysFromFirst?: boolean; onlyForRules?: readonly string[]; clauses: string[] }
> = {
  'tiltaksplan-elevfravaer': { policyKey: 'contactReminderDays', clauses: ['C.1.2'] },
  'raelingen-veileder': { policyKey: 'homeContactReminderDays', clauses: ['E.S3', 'E.S4'] },
  'plan-for-skolenaervaer': {
    policyKey: 'noticeWithinDays',
    schoolDaysFromFirst: true,
    onlyForRules: ['unnotified-absence'],
    clauses: ['A.5.1b'],
  },
  'hardanger-handlingsplan': { policyKey: 'conversationReminderDays', clauses: ['B.N1a'] },
};

/** Is the step a contact with the guardians? */
export function isGuardianContact(step: CaseStep): step is EventStep {
  if (step.kind !== 'event') return false;
  if (step.type === 'guardians.contacted') return true;
  const participants = step.data.participants;
  return step.type === 'meeting.held' && Array.isArray(participants) && participants.includes('guardians');
}

/** The day `n` weekdays on from `date` (the date itself counting as the first when it is a weekday). */
function nthWeekdayFrom(date: string, n: number): number {
  let ms = Date.parse(`${date}T00:00:00Z`);
  let counted = 0;
  for (;;) {
    const day = new Date(ms).getUTCDay();
    if (day !== 0 && day !== 6) counted += 1;
    if (counted >= n) return ms;
    ms += DAY_MS;
  }
}

/** When the first contact with the guardians was due (end of the last allowed day, ms), or undefined if the procedure sets no limit. */
export function firstContactDueMs(
  procedureId: string,
  trigger: { rule: string; dates: readonly string[] },
  policy: Record<string, unknown>,
): number | undefined {
  const limit = FIRST_CONTACT_LIMITS[procedureId];
  const days = limit ? policy[limit.policyKey] : undefined;
  const { dates } = trigger;
  if (!limit || typeof days !== 'number' || dates.length === 0) return undefined;
  if (limit.onlyForRules && !limit.onlyForRules.includes(trigger.rule)) return undefined;
  const sorted = [...dates].sort();
  if (limit.schoolDaysFromFirst) return nthWeekdayFrom(sorted[0]!, days) + DAY_MS;
  return Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`) + (days + 1) * DAY_MS;
}

/** The first absence day of the opening trigger (ISO date), if the case has one. */
export function firstAbsenceDay(view: CheckedView): string | undefined {
  const opening = view.triggers.find((t) => t.effect === 'opened') ?? view.triggers[0];
  return opening ? [...opening.dates].sort()[0] : undefined;
}

/** Days from the first absence to the first contact with the guardians, or undefined when there was none. */
export function daysToFirstContact(c: Pick<CheckedCase, 'view' | 'steps'>): number | undefined {
  const first = firstAbsenceDay(c.view);
  const contact = c.steps.find(isGuardianContact);
  if (!first || !contact) return undefined;
  return daysBetween(Date.parse(`${first}T00:00:00Z`), Date.parse(contact.at));
}

export function firstContactFindings(c: CheckedCase): CaseFinding[] {
  const opening = c.view.triggers.find((t) => t.effect === 'opened') ?? c.view.triggers[0];
  if (!opening) return [];
  const dueMs = firstContactDueMs(c.procedure.id, opening, c.policy);
  if (dueMs === undefined) return [];
  const contact = c.steps.find(isGuardianContact);
  const doneMs = contact ? Date.parse(contact.at) : c.view.status === 'open' ? c.nowMs : undefined;
  if (doneMs === undefined || doneMs <= dueMs) return [];
  const first = [...opening.dates].sort()[0]!;
  const dueAt = new Date(dueMs).toISOString();
  const daysLate = daysBetween(dueMs, doneMs);
  const clauses = FIRST_CONTACT_LIMITS[c.procedure.id]!.clauses;
  return [
    finding(c, 'first-contact-late', {
      clauses,
      at: dueAt,
      dueAt,
      doneAt: contact ? contact.at : null,
      daysLate,
      message: contact
        ? `Første kontakt med foresatte kom ${dateText(contact.at)}, ${daysText(daysBetween(Date.parse(`${first}T00:00:00Z`), doneMs))} etter første fraværsdag (${first}); rutinens grense var ${dateText(new Date(dueMs - 1).toISOString())}, ${daysText(daysLate)} for sent.`
        : `Foresatte er ikke kontaktet ennå, ${daysText(daysBetween(Date.parse(`${first}T00:00:00Z`), doneMs))} etter første fraværsdag (${first}); rutinens grense var ${dateText(new Date(dueMs - 1).toISOString())}.`,
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// required-documents

/** Steps that are judged without the paperwork: raising harm must never wait for a form. */
const HARM_EVENTS = ['suspicion.raised', 'concern.reported', 'childWelfare.consulted'];

export function requiredDocumentFindings(c: CheckedCase): CaseFinding[] {
  const out: CaseFinding[] = [];
  for (const step of c.steps) {
    if (!isPersonStep(step) || HARM_EVENTS.includes(step.type)) continue;
    if (isLeavingResponsibility(asEvent(step))) continue;
    const after = new Set(statesOf(c.procedure, step.closed ? '' : step.pathAfter).map((s) => s.path));
    const exited = statesOf(c.procedure, step.pathBefore).filter((s) => !after.has(s.path));
    const filed = new Set(c.view.documents.filter((d) => Date.parse(d.at) <= Date.parse(step.at)).map((d) => d.kind));
    for (const state of exited) {
      if (!state.meta) continue;
      // Follow-up after improvement that ends because absence came back: its closing note is due at closing.
      if (state.meta.stage === 'monitoring' && !step.closed) continue;
      const missing = state.meta.requiredDocuments.filter((kind) => !filed.has(kind));
      if (missing.length === 0) continue;
      out.push(
        finding(c, 'required-documents', {
          clauses: [...state.meta.clauses],
          at: step.at,
          message: `«${eventNames[step.type as keyof typeof eventNames] ?? step.type}» (${dateText(step.at)}) flyttet saken ut av «${state.meta.label}» uten at ${missing.join(', ')} var arkivert.`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// pupil-voice-before-measures, child-welfare-first

/** The step as the event it was, for the national rules' predicates (its own fields were kept on the timeline). */
const asEvent = (step: EventStep) => ({ ...step.data, type: step.type }) as CaseEvent;
const agreesMeasures = (step: EventStep) => agreesMeasuresEvent(asEvent(step));

/** A measure or another service (what must wait for child welfare when harm is suspected). */
const isMeasure = (step: EventStep) => isMeasureEvent(asEvent(step));

const bringsInChildWelfare = (step: EventStep) =>
  step.type === 'childWelfare.consulted' ||
  step.type === 'concern.reported' ||
  (step.type === 'referral.sent' && step.data.service === 'child-welfare');

export function pupilVoiceFindings(c: CheckedCase): CaseFinding[] {
  const out: CaseFinding[] = [];
  let heard = false;
  for (const step of c.steps) {
    if (step.kind !== 'event') continue;
    if (step.type === 'pupilVoice.recorded') heard = true;
    else if (agreesMeasures(step) && !heard) {
      out.push(
        finding(c, 'pupil-voice-before-measures', {
          clauses: ['D.2'],
          at: step.at,
          message: `«${eventNames[step.type as keyof typeof eventNames]}» (${dateText(step.at)}) ble registrert før elevens stemme var dokumentert.`,
        }),
      );
    }
  }
  return out;
}

export function childWelfareFindings(c: CheckedCase): CaseFinding[] {
  const out: CaseFinding[] = [];
  let suspected = false;
  let involved = false;
  for (const step of c.steps) {
    if (step.kind !== 'event') continue;
    if (step.type === 'suspicion.raised') suspected = true;
    if (bringsInChildWelfare(step)) involved = true;
    else if (suspected && !involved && isMeasure(step)) {
      out.push(
        finding(c, 'child-welfare-first', {
          clauses: ['E.CW1'],
          at: step.at,
          message: `«${eventNames[step.type as keyof typeof eventNames]}» (${dateText(step.at)}) kom mens mistanke om omsorgssvikt ventet på barnevernet (ikke drøftet, meldt eller henvist).`,
        }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// delivery-failed, required-notice-missing

const effectName = (name: string) => effectLabels[name as keyof typeof effectLabels] ?? name;
const roleName = (role: string) => roleNames[role as Role] ?? role;

export function deliveryFindings(c: CheckedCase): CaseFinding[] {
  const out: CaseFinding[] = [];
  const clausesWhen = (at: string) => clausesAt(c.procedure, pathAt(c.route, Date.parse(at)));
  for (const entry of c.view.timeline) {
    if (entry.kind === 'refused' && entry.type.startsWith('effect:')) {
      out.push(
        finding(c, 'delivery-failed', {
          clauses: clausesWhen(entry.at),
          at: entry.at,
          message: `«${effectName(entry.type.slice('effect:'.length))}» kunne ikke utføres (${dateText(entry.at)}): ${entry.reason}`,
        }),
      );
    }
    if (entry.kind !== 'effect') continue;
    for (const d of entry.deliveries ?? []) {
      if (d.status !== 'failed') continue;
      out.push(
        finding(c, 'delivery-failed', {
          clauses: clausesWhen(entry.issuedAt),
          at: entry.deliveredAt,
          message: `«${entry.subject}» nådde ikke ${roleName(d.role)} (${d.personId}) på ${d.channel}${d.error ? `: ${d.error}` : ''}.`,
        }),
      );
    }
    for (const u of entry.unreached ?? []) {
      out.push(
        finding(c, 'delivery-failed', {
          clauses: clausesWhen(entry.issuedAt),
          at: entry.deliveredAt,
          message: `«${entry.subject}» nådde ingen med rollen ${roleName(u.role)}: ${u.reason}.`,
        }),
      );
    }
  }
  return out;
}

type EffectEntry = Extract<TimelineEntry, { kind: 'effect' }>;

/** A required notice still in flight this soon after the step is not yet missing: a message activity retries for up to three days (machines/effects/define.ts). */
const NOTICE_GRACE_MS = 3 * DAY_MS;

export function requiredNoticeFindings(c: CheckedCase, nowMs: number = c.nowMs): CaseFinding[] {
  const out: CaseFinding[] = [];
  // Runs before `effect-timeline` kept no record of what was delivered: nothing to judge by.
  if (!c.effectTimeline) return out;
  const delivered = c.view.timeline.filter((e): e is EffectEntry => e.kind === 'effect');
  // A state is entered when a step leaves the case in it (or in a state below it) having been outside.
  const entries: { path: string; at: string }[] = [];
  let previous = new Set<string>();
  for (const r of c.route) {
    const now = new Set(statesOf(c.procedure, r.path).map((s) => s.path));
    for (const p of now) if (!previous.has(p)) entries.push({ path: p, at: r.at });
    previous = now;
  }
  for (const entry of entries) {
    const meta = statesOf(c.procedure, entry.path)[0]?.meta;
    for (const required of meta?.requiredEffects ?? []) {
      const sent = delivered.some((e) => e.name === required.effect && Date.parse(e.issuedAt) >= Date.parse(entry.at));
      if (sent || nowMs - Date.parse(entry.at) < NOTICE_GRACE_MS) continue;
      out.push(
        finding(c, 'required-notice-missing', {
          clauses: [required.clause],
          at: entry.at,
          doneAt: null,
          daysLate: daysBetween(Date.parse(entry.at), nowMs),
          message: `«${effectName(required.effect)}» skulle sendes da saken kom til «${meta!.label}» (${dateText(entry.at)}), men er ikke levert.`,
        }),
      );
    }
  }
  return out;
}

/** Every rule's findings for one case, in rule order. */
export function checkCase(c: CheckedCase): CaseFinding[] {
  return [
    ...deadlineFindings(c),
    ...firstContactFindings(c),
    ...requiredDocumentFindings(c),
    ...pupilVoiceFindings(c),
    ...deliveryFindings(c),
    ...requiredNoticeFindings(c),
    ...childWelfareFindings(c),
  ];
}
