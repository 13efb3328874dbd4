/**
 * Who may send which event to a case: the authorization rule the workflow's Update validator
 * applies and the web application will rely on. Derived from the procedure itself, so the
 * chart stays the one place that says who acts:
 *
 * 1. Detection's facts (`absence.*` except the guardians' notice) come from the system only,
 *    and only as the absence-facts Signal; no person may send them, and the system nothing else.
 * 2. Facts any staff member may record (`anyStaffFacts`): things that happen whatever step the
 *    case is in and that the person who saw them must be able to write down at once: a notice
 *    from the guardians, who was informed, the pupil's voice, a filed document, consent given or
 *    withdrawn, a meeting set up, a suspicion of harm, and a report of concern to child welfare
 *    (every employee has that duty personally, barnevernloven § 13-2).
 * 3. Every other event is a step of the procedure: it may be sent by the roles responsible for
 *    the state whose transition takes it (its `meta.responsible`) or for any active state inside
 *    it (whoever works on a step acts on its level's transitions), by the school's leadership
 *    (principal and school leadership answer for the school's follow-up and may act for any of
 *    its staff), and by the roles a procedure adds for an event (`extraSenders`, e.g. child
 *    welfare, the GP or a psychologist for a BUP referral, E.BUP1).
 *
 * Guardians and the pupil take part in a case but never record in it: the school records what
 * they said or agreed (`illness.confirmed` carries the guardians' approval), so those roles are
 * never senders. The system sends only detection's facts.
 */
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { CaseEvent, EventType } from './events';
import { eventNames, roleList, roleNames } from './labels';
import type { StateMeta } from './meta';
import { activeNodes } from './public-view';
import { type Role, roleSchema } from './vocabulary';

/** Events only absence detection sends, as the absence-facts Signal. */
export const detectionEventTypes: readonly EventType[] = [
  'absence.thresholdReached',
  'absence.newTrigger',
  'absence.trend',
  'absence.noticeMissing',
];

/** Roles that take part in a case but never record in it. */
export const nonRecordingRoles: readonly Role[] = ['guardians', 'pupil', 'system'];

/**
 * Everyone who may record facts for the school: school staff, the municipality's services and the
 * coordinator, i.e. every role except those that never record, in the vocabulary's order.
 */
export const staffRoles: readonly Role[] = roleSchema.options.filter((role) => !nonRecordingRoles.includes(role));

/** The school's leadership, who may take any step a member of the school's staff may take. */
export const leadershipRoles: readonly Role[] = ['principal', 'school-leadership'];

/** Facts any staff member may record in any open step (see the file comment for why each). */
export const anyStaffFacts: readonly EventType[] = [
  'absence.noticeReceived',
  'staff.informed',
  'pupilVoice.recorded',
  'document.recorded',
  'consent.given',
  'consent.withdrawn',
  'meeting.scheduled',
  'suspicion.raised',
  'concern.reported',
];

/** Roles a procedure adds as senders of an event, beyond the responsible roles of the step. */
export type ExtraSenders = Partial<Record<EventType, readonly Role[]>>;

/**
 * The active states from the leaf up to the one whose transition takes `type` (all of them when
 * the root takes it, or none does): the people working on any of them act on that transition.
 */
function statesUpToHandler(snapshot: AnyMachineSnapshot, type: EventType): AnyStateNode[] {
  const nodes = activeNodes(snapshot);
  const handler = nodes.findIndex((node) => node.transitions.has(type));
  return handler === -1 ? nodes : nodes.slice(0, handler + 1);
}

/** The roles that may send `type` to a case in `snapshot` now (empty when no one may). */
export function authorisedRoles(snapshot: AnyMachineSnapshot, type: EventType, extraSenders: ExtraSenders = {}): Role[] {
  if (detectionEventTypes.includes(type)) return ['system'];
  if (anyStaffFacts.includes(type)) return [...staffRoles];
  const responsible = statesUpToHandler(snapshot, type)
    .flatMap((node) => (node.meta as StateMeta | undefined)?.responsible ?? [])
    .filter((r) => !nonRecordingRoles.includes(r));
  const roles = new Set<Role>([...responsible, ...(extraSenders[type] ?? [])]);
  if (responsible.length > 0) for (const r of leadershipRoles) roles.add(r);
  return staffRoles.filter((r) => roles.has(r));
}

/**
 * Why `event`'s sender may not send it now, in Norwegian naming the role, the event and the step,
 * or undefined when the sender may. `stepLabel` is the active state's label.
 */
export function authorisationRefusal(
  snapshot: AnyMachineSnapshot,
  event: CaseEvent,
  stepLabel: string,
  extraSenders: ExtraSenders = {},
): string | undefined {
  const role = event.actor.role;
  if (detectionEventTypes.includes(event.type)) {
    return role === 'system' ? undefined : `«${eventNames[event.type]}» kommer bare fra fraværsdeteksjonen, ikke fra ${roleNames[role]}.`;
  }
  if (role === 'system') return `Fraværsdeteksjonen kan bare melde fravær, ikke «${eventNames[event.type]}».`;
  const allowed = authorisedRoles(snapshot, event.type, extraSenders);
  if (allowed.includes(role)) return undefined;
  return (
    `Rollen ${roleNames[role]} kan ikke registrere «${eventNames[event.type]}» i steget «${stepLabel}». ` +
    (allowed.length > 0 ? `Det kan: ${roleList(allowed)}.` : 'Ingen kan registrere dette i steget.')
  );
}
