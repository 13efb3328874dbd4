/**
 * One module per effect: every list the system keeps of its effects (the names, the actions
 * machines register, the labels, the parameter schemas, the activity modules and the activities a
 * worker registers) is derived from machines/effects/index.ts and equals the effects the
 * procedures' charts declare; each activity module is the half of its effect's definition.
 */
import { createWorkerActivities } from '../../activities';
import { effectActivityModules } from '../../activities/effects';
import { FileOutbox } from '../../activities/outbox';
import {
  effectActions,
  effectDefinitions,
  effectLabels,
  effectNames,
  effectParamSchemas,
  effectsByName,
  defineEffect,
  HOST_ISSUED_EFFECTS,
  messageDelivery,
} from '../../machines/effects';
import { notifyGuardians } from '../../machines/effects/notify-guardians';
import { listProcedures } from '../../machines/registry';
import { z } from 'zod';

/** A state node of a chart, as far as this walk reads it (XState v5's StateNode). */
interface ChartNode {
  entry: unknown[];
  exit: unknown[];
  transitions: Map<string, { actions: unknown[] }[]>;
  always?: { actions: unknown[] }[];
  states: Record<string, ChartNode>;
}

/** Names of the actions a chart names in its states and transitions (actions a function enqueues are not seen). */
function namedActions(node: ChartNode, out = new Set<string>()): Set<string> {
  const add = (actions: unknown[]) => {
    for (const a of actions) {
      if (typeof a === 'string') out.add(a);
      else if (a && typeof a === 'object' && 'type' in a) out.add(String(a.type));
    }
  };
  add(node.entry);
  add(node.exit);
  for (const transitions of node.transitions.values()) transitions.forEach((t) => add(t.actions));
  (node.always ?? []).forEach((t) => add(t.actions));
  Object.values(node.states).forEach((child) => namedActions(child, out));
  return out;
}

const sorted = (names: Iterable<string>) => [...names].sort();

test('the effects the procedures declare, with those the case host issues itself, are exactly the effect modules, in every registered version', () => {
  const declared = new Set<string>();
  for (const procedure of listProcedures()) {
    const implementations = procedure.machine.implementations.actions as Record<string, unknown>;
    // Every machine registers every effect as the empty declared action, never an implementation of its own.
    for (const name of effectNames) expect([procedure.id, name, implementations[name]]).toEqual([procedure.id, name, effectActions[name]]);
    for (const name of namedActions(procedure.machine.root as unknown as ChartNode)) {
      // A named action is the machine's own or an effect module's: nothing is declared that no module defines.
      expect([procedure.id, name, name in implementations]).toEqual([procedure.id, name, true]);
      if (implementations[name] === effectActions[name as keyof typeof effectActions]) declared.add(name);
    }
  }
  // The host's own effects (a scheduled meeting's invitations) are declared by no machine.
  for (const name of HOST_ISSUED_EFFECTS) expect(declared.has(name)).toBe(false);
  expect(sorted([...declared, ...HOST_ISSUED_EFFECTS])).toEqual(sorted(effectNames));
});

test('every list of effects is derived from the definitions: names, actions, labels, schemas, activity modules, worker activities', () => {
  const names = effectDefinitions.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
  expect(sorted(effectNames)).toEqual(sorted(names));
  expect(sorted(Object.keys(effectActions))).toEqual(sorted(names));
  expect(sorted(Object.keys(effectLabels))).toEqual(sorted(names));
  expect(sorted(Object.keys(effectParamSchemas))).toEqual(sorted(names));
  expect(sorted(Object.keys(effectActivityModules))).toEqual(sorted(names));
  expect(sorted(Object.keys(createWorkerActivities({ outbox: new FileOutbox('/nonexistent') })))).toEqual(sorted(names));
  for (const definition of effectDefinitions) {
    // The activity half belongs to the same definition: the schema it validates with is the machines' own.
    expect(effectActivityModules[definition.name].definition).toBe(definition);
    expect(effectsByName[definition.name]).toBe(definition);
    expect(effectParamSchemas[definition.name]).toBe(definition.params);
    expect(effectLabels[definition.name]).toBe(definition.label);
  }
});

test("an effect module's action creator makes the action a machine declares, and each module states its own delivery policy", () => {
  expect(notifyGuardians.action({ message: 'case-closed' })).toEqual({ type: 'notifyGuardians', params: { message: 'case-closed' } });
  expect(effectsByName.notifyGuardians.delivery).toBe(messageDelivery);
  // Reminders give up sooner than messages: a later reminder replaces one that could not be delivered.
  expect(effectsByName.remindResponsible.delivery.giveUpAfter).toBe('1 day');
  expect(messageDelivery.giveUpAfter).toBe('3 days');
});

test('defineEffect makes one zod object of the parameter fields, and a message policy unless the effect sets its own', () => {
  const example = defineEffect({ name: 'exampleEffect', params: { about: z.enum(['a', 'b']) }, label: 'eksempel' });
  expect(Object.keys(example)).toEqual(['name', 'params', 'label', 'delivery', 'action', 'declared']);
  expect(example.delivery).toBe(messageDelivery);
  expect(example.params.parse({ about: 'a' })).toEqual({ about: 'a' });
  expect(example.params.safeParse({}).success).toBe(false);
  expect(example.params.safeParse('a').success).toBe(false);
  expect(example.action({ about: 'b' })).toEqual({ type: 'exampleEffect', params: { about: 'b' } });
  expect(example.declared({}, { about: 'b' })).toBeUndefined();
  const own = defineEffect({ name: 'ownPolicy', params: {}, label: 'eget', delivery: { ...messageDelivery, giveUpAfter: '1 day' } });
  expect(own.delivery.giveUpAfter).toBe('1 day');
});

test("every effect's parameters are the fields its module names", () => {
  expect(Object.fromEntries(effectDefinitions.map((d) => [d.name, Object.keys(d.params.shape)]))).toEqual({
    notifyGuardians: ['message'],
    notifyStaff: ['roles', 'about'],
    informSchoolOwner: ['about'],
    requestDocument: ['kind', 'from'],
    scheduleMeeting: ['meeting', 'participants', 'withinDays'],
    remindResponsible: ['roles', 'about'],
    sendMeetingInvitation: ['meeting', 'scheduledFor', 'participants', 'occurrence', 'changes'],
  });
  expect(
    effectsByName.scheduleMeeting.params.parse({
      meeting: effectsByName.scheduleMeeting.params.shape.meeting.options[0],
      participants: ['principal'],
    }),
  ).toEqual({
    meeting: effectsByName.scheduleMeeting.params.shape.meeting.options[0],
    participants: ['principal'],
  });
});
