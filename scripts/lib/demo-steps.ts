/**
 * Moves some demo cases along, so a newcomer sees cases at different steps and not only at the
 * first: for each demo school, its n-th open case (0, 1, 2, …) is taken through up to n steps by
 * the school's own staff, through the real interfaces — the case client's Update for a step
 * without a document, `casework/fileCaseDocument` (PDF/A in the archive) for one with — exactly
 * as the web application's forms do. The step to take is what the case says its current step
 * waits for (`stepEvents`); each step's contents are written below as a school would fill them.
 *
 * A step the case does not take (a guard wants something the demo does not provide) ends that
 * case's walk: the case simply stays where it is. Nothing is forced past a rule.
 */
import { randomUUID } from 'node:crypto';
import { CaseClient, CaseRefusedError } from '../../app/case-client';
import { openMigratedDatabase } from '../../app/database/database';
import type { TemporalSettings } from '../../app/settings';
import { ArchiveStore } from '../../archive/archive-store';
import { PENDING_ARCHIVE_REFERENCE, documentRefField, fileCaseDocument } from '../../casework/file-document';
import type { SchoolDirectory } from '../../detection/school-directory';
import { type CaseEvent, type EventType, parseCaseEvent } from '../../machines/events';
import { meetingKindSchema, type Role } from '../../machines/vocabulary';
import { SqlPeopleDirectory } from '../../people/people-store';
import type { CaseView } from '../../workflows/case-messages';
import { DEMO_SCHOOL_IDS } from './demo-data';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The most steps the demo takes in one case. */
const MAX_STEPS = 4;

/** One way to take a step: the event's own fields and, for a step with a document, the document's. */
interface StepPlan {
  payload: Record<string, unknown>;
  document?: Record<string, unknown>;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The ways the demo takes each step it knows, tried in order (meetings: each kind until the case takes one). */
function plans(type: EventType, nowMs: number, lastMeeting: string | undefined): StepPlan[] {
  const today = day(nowMs);
  const inTwoWeeks = day(nowMs + 14 * DAY_MS);
  switch (type) {
    case 'guardians.contacted':
      return [
        {
          payload: { channel: 'phone', cause: 'school-related' },
          document: {
            conversationDate: today,
            channel: 'phone',
            summary: 'Samtale med foresatte om fraværet de siste ukene. Eleven gruer seg til enkelte timer.',
            guardiansView: 'Foresatte er bekymret og ønsker et møte med skolen.',
            agreed: 'Skolen kaller inn til møte med foresatte og eleven.',
            nextStep: 'Møte med ledelsen og foresatte.',
          },
        },
      ];
    case 'meeting.scheduled':
      return meetingKindSchema.options.map((meeting) => ({
        payload: {
          meeting,
          scheduledFor: new Date(nowMs + 3 * DAY_MS).toISOString(),
          participants: ['contact-teacher', 'guardians', 'principal'],
        },
      }));
    case 'meeting.held': {
      const kinds = lastMeeting ? [lastMeeting] : meetingKindSchema.options;
      return kinds.map((meeting) => ({
        payload: { meeting, participants: ['contact-teacher', 'guardians', 'principal', 'pupil'], pupilPresent: true },
        document: {
          meetingKind: meeting,
          meetingDate: today,
          agenda: [{ topic: 'Fraværet og hva som gjør skoledagen vanskelig', discussion: 'Eleven og foresatte fortalte om situasjonen.' }],
          decisions: [
            { decision: 'Skolen lager en plan for tiltak sammen med hjemmet.', responsible: 'Kontaktlærer', deadline: inTwoWeeks },
          ],
        },
      }));
    }
    case 'mapping.completed':
      return [
        {
          payload: { form: 'absence-pattern' },
          document: {
            absencePattern: 'Fraværet er mest på mandager og i kroppsøving.',
            startedWhen: 'Etter høstferien.',
            schoolSituation: 'Faglig følger eleven godt med.',
            socialSituation: 'Har noen få venner i klassen.',
            healthAsGuardiansDescribe: 'Vondt i magen om morgenen.',
            pupilView: 'Eleven sier at det er vanskelig å komme i gang om morgenen.',
            whatHelps: 'En fast voksen som tar imot eleven.',
          },
        },
      ];
    case 'measures.agreed':
      return [
        {
          payload: { measures: ['Fast voksen tar imot eleven om morgenen', 'Ukentlig kontakt med hjemmet'], evaluationDate: inTwoWeeks },
          document: {
            goal: 'Eleven er på skolen hele dagen.',
            measures: [{ measure: 'Fast voksen tar imot eleven om morgenen', responsible: 'Kontaktlærer', when: 'Hver morgen' }],
            evaluationDate: inTwoWeeks,
          },
        },
      ];
    case 'cooperationAgreement.signed':
      return [
        {
          payload: { evaluationDate: inTwoWeeks, signedBy: ['contact-teacher', 'guardians', 'principal'], hasPlanB: true },
          document: {
            goal: 'Eleven er på skolen hele dagen.',
            pupilMeasures: ['Gir beskjed til kontaktlæreren når noe er vanskelig'],
            schoolMeasures: ['Fast voksen tar imot eleven om morgenen'],
            homeMeasures: ['Faste leggetider på hverdager'],
            planB: 'Hvis fraværet ikke går ned, kaller skolen inn til nytt møte innen en uke.',
            evaluationDate: inTwoWeeks,
          },
        },
      ];
    default:
      return [];
  }
}

/** The staff member who acts as `role` at the school, from the people directory. */
function actorFor(staff: { staffId: string; roles: Role[] }[], roles: readonly Role[]): { role: Role; userId: string } | undefined {
  for (const role of roles) {
    const member = staff.find((s) => s.roles.includes(role));
    if (member) return { role, userId: member.staffId };
  }
  return undefined;
}

export interface DemoStepsResult {
  stepsTaken: number;
  casesMoved: number;
}

export async function takeDemoSteps(args: {
  databaseUrl: string;
  archiveDir: string;
  schools: SchoolDirectory;
  temporal: TemporalSettings;
  now: Date;
}): Promise<DemoStepsResult> {
  const database = await openMigratedDatabase(args.databaseUrl);
  const cases = await CaseClient.connect(args.temporal);
  const people = new SqlPeopleDirectory(database);
  const deps = { cases, archive: new ArchiveStore(database, args.archiveDir), people, schools: args.schools };
  let stepsTaken = 0;
  let casesMoved = 0;
  try {
    for (const schoolId of DEMO_SCHOOL_IDS) {
      const staff = await people.staffAt(schoolId);
      const open: string[] = [];
      for await (const wf of cases.list({ schoolId, status: 'open' })) open.push(wf.workflowId);
      open.sort();
      for (const [index, workflowId] of open.entries()) {
        const steps = Math.min(index, MAX_STEPS);
        let taken = 0;
        let lastMeeting: string | undefined;
        for (let i = 0; i < steps; i++) {
          const view: CaseView = await cases.view(workflowId);
          const type = (view.stepEvents ?? []).find((t) => plans(t, args.now.getTime(), lastMeeting).length > 0);
          if (!type) break;
          const actor = actorFor(staff, view.senders?.[type] ?? view.state.responsible);
          if (!actor) break;
          let moved = false;
          for (const plan of plans(type, args.now.getTime() + i * 60_000, lastMeeting)) {
            const refField = documentRefField(type);
            const event: CaseEvent = parseCaseEvent({
              type,
              eventId: `demo-${randomUUID()}`,
              actor,
              at: new Date(args.now.getTime() + i * 60_000).toISOString(),
              ...plan.payload,
              ...(refField ? { [refField]: PENDING_ARCHIVE_REFERENCE } : {}),
            });
            try {
              if (plan.document && refField) await fileCaseDocument(deps, { workflowId, event, fields: plan.document });
              else await cases.send(workflowId, event);
              if (type === 'meeting.scheduled') lastMeeting = plan.payload.meeting as string;
              moved = true;
              break;
            } catch (err) {
              if (!(err instanceof CaseRefusedError)) throw err;
            }
          }
          if (!moved) break;
          taken += 1;
        }
        stepsTaken += taken;
        if (taken > 0) casesMoved += 1;
      }
    }
  } finally {
    await cases.close();
    await database.close();
  }
  return { stepsTaken, casesMoved };
}
