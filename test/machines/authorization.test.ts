/**
 * The authorization rule (machines/authorization.ts) over every state of every registered
 * procedure version: whoever takes part without recording (guardians, pupil) never sends,
 * detection sends only its facts, and every step someone must take has someone who may take it;
 * also the role lists and names it is built from.
 */
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import { anyStaffFacts, authorisationRefusal, authorisedRoles, detectionEventTypes, staffRoles } from '../../machines/authorization';
import { initialCaseContext } from '../../machines/case-context';
import type { EventType } from '../../machines/events';
import { roleNames, serviceNames } from '../../machines/labels';
import { activeNodes } from '../../machines/public-view';
import { listProcedures, buildCaseInput } from '../../machines/registry';
import { serviceSchema } from '../../machines/vocabulary';
import { walkStates } from '../../diagrams/machine-walk';
import { caseFacts, ev } from './harness';

/** The state value of a dotted leaf path, e.g. 'open.firstTrigger.contactingHome'. */
function valueOf(path: string): StateValue {
  const parts = path.split('.');
  return parts.reduceRight<StateValue>((inner, part) => ({ [part]: inner }), parts.pop() as string);
}

const leaves = listProcedures().flatMap((procedure) => {
  const input = buildCaseInput(
    procedure,
    caseFacts({ trigger: { rule: procedure.openingRules[0], dates: ['2026-09-01'], days: 20, lessons: 40 } }),
  );
  return walkStates(procedure.machine)
    .filter((s) => s.leaf && !s.final)
    .map((s) => {
      const snapshot = procedure.machine.resolveState({ value: valueOf(s.path), context: initialCaseContext(input) }) as AnyMachineSnapshot;
      return [`${procedure.id} v${procedure.version} ${s.path}`, { procedure, snapshot, state: s }] as const;
    });
});

test.each(leaves)('%s: guardians and the pupil never record, detection sends only its facts', (_name, { procedure, snapshot, state }) => {
  const own = state.transitions.map((tr) => tr.event).filter((e): e is EventType => !e.startsWith('after:') && e !== 'always');
  const types = new Set<EventType>([...detectionEventTypes, ...anyStaffFacts, 'case.closed', ...own]);
  for (const type of types) {
    const roles = authorisedRoles(snapshot, type, procedure.extraSenders);
    expect({ type, roles: roles.filter((r) => r === 'guardians' || r === 'pupil') }).toEqual({ type, roles: [] });
    expect({ type, system: roles.includes('system') }).toEqual({ type, system: detectionEventTypes.includes(type) });
  }
});

test.each(leaves)('%s: every step the state takes has someone who may take it', (_name, { procedure, snapshot, state }) => {
  const own = state.transitions.map((tr) => tr.event).filter((e): e is EventType => !e.startsWith('after:') && e !== 'always');
  for (const type of own) {
    expect({ type, roles: authorisedRoles(snapshot, type, procedure.extraSenders).length > 0 }).toEqual({ type, roles: true });
  }
});

test('facts any staff member may record are open to all staff, and only to staff', () => {
  const [, { procedure, snapshot }] = leaves[0]!;
  for (const type of anyStaffFacts) expect(authorisedRoles(snapshot, type, procedure.extraSenders)).toEqual([...staffRoles]);
});

test('staff are every role but those that never record, in the vocabulary order', () => {
  expect(staffRoles).toEqual([
    'contact-teacher',
    'teacher-team',
    'teacher',
    'principal',
    'school-leadership',
    'social-teacher',
    'counsellor',
    'resource-team',
    'school-nurse',
    'ppt',
    'innsatsteam',
    'child-welfare',
    'bup',
    'doctor',
    'mental-health',
    'ungdomslos',
    'nav',
    'school-owner',
    'coordinator',
  ]);
});

test('a service is called what the role acting for it is called', () => {
  expect(Object.keys(serviceNames)).toEqual(serviceSchema.options);
  for (const service of serviceSchema.options) expect(serviceNames[service]).toBe(roleNames[service]);
  expect([serviceNames['school-nurse'], serviceNames.ppt, serviceNames['resource-team']]).toEqual([
    'helsesykepleier',
    'PP-tjenesten',
    'ressursteamet',
  ]);
});

test('the active nodes run from the leaf to the outermost state', () => {
  const [, { snapshot }] = leaves.find(([name]) => name.startsWith('tiltaksplan-elevfravaer v1 open.firstTrigger.contactingHome'))!;
  expect(activeNodes(snapshot).map((node) => node.key)).toEqual(['contactingHome', 'firstTrigger', 'open']);
});

test('the refusal is Norwegian and names the role, the event and the step', () => {
  const [, { procedure, snapshot }] = leaves.find(([name]) =>
    name.startsWith('tiltaksplan-elevfravaer v1 open.firstTrigger.contactingHome'),
  )!;
  const closing = ev(
    'case.closed',
    { reason: 'pupil-moved', note: 'Flyttet.', documentRef: 'x' },
    { at: '2026-09-05T10:00:00Z', role: 'pupil' },
  );
  expect(authorisationRefusal(snapshot, closing, 'Kontakt med hjemmet', procedure.extraSenders)).toBe(
    'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Kontakt med hjemmet». Det kan: kontaktlærer, rektor, skolens ledelse.',
  );
  const byPrincipal = ev(
    'case.closed',
    { reason: 'pupil-moved', note: 'Flyttet.', documentRef: 'x' },
    { at: '2026-09-05T10:00:00Z', role: 'principal' },
  );
  expect(authorisationRefusal(snapshot, byPrincipal, 'Kontakt med hjemmet', procedure.extraSenders)).toBeUndefined();
});
