import { existsSync } from 'node:fs';
import { join } from 'node:path';
/** The procedure registry: versions are kept side by side, and bad lookups or inputs say what is wrong. */
import { buildCaseInput, getProcedure, latestVersion, currentProcedures, ProcedureError } from '../../machines/registry';
import { caseFacts } from './harness';

test('all four procedures are registered, each with its specification, clauses, opening rules and policy defaults', () => {
  expect(
    currentProcedures()
      .map((p) => p.id)
      .sort(),
  ).toEqual(['hardanger-handlingsplan', 'plan-for-skolenaervaer', 'raelingen-veileder', 'tiltaksplan-elevfravaer']);
  for (const p of currentProcedures()) {
    expect(existsSync(join(__dirname, '..', '..', p.specification))).toBe(true);
    expect(p.specification).toBe(`docs/procedures/${p.id}.md`);
    expect(p.clauses.length).toBeGreaterThan(5);
    expect(p.openingRules.length).toBeGreaterThan(0);
    expect(() => p.policySchema.parse({})).not.toThrow();
  }
});

test('version 1 of every procedure stays registered beside the current one, so cases opened on it can finish', () => {
  for (const p of currentProcedures()) {
    const first = getProcedure(p.id, 1);
    expect(first.version).toBe(1);
    expect(first.machine).not.toBe(p.machine);
    expect(p.version).toBe(latestVersion(p.id));
  }
});

test('a lookup without a version gets the newest; a pinned version is returned as it is', () => {
  const newest = getProcedure('tiltaksplan-elevfravaer');
  expect(newest.version).toBe(latestVersion('tiltaksplan-elevfravaer'));
  expect(getProcedure('tiltaksplan-elevfravaer', newest.version)).toBe(newest);
});

test('an unknown procedure or version is refused with what exists', () => {
  expect(() => getProcedure('oslo-rutine')).toThrow(ProcedureError);
  expect(() => getProcedure('oslo-rutine')).toThrow(/Ukjent rutine «oslo-rutine». Kjente rutiner: .*tiltaksplan-elevfravaer/);
  expect(() => getProcedure('tiltaksplan-elevfravaer', 7)).toThrow(/har ingen versjon 7. Versjoner: 1, 2/);
});

test('case input is validated field by field, and the policy gets the seed defaults', () => {
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const bad = () => buildCaseInput(procedure, caseFacts({ grade: 0, pupilId: '' }));
  expect(bad).toThrow(/pupilId: elev-id mangler;/);
  expect(bad).toThrow(/grade: trinn «0» må være fra 1 til 10/);
  expect(() => buildCaseInput(procedure, caseFacts({ schoolId: 'skole-1', pupilId: '=CMD()|calc', grade: 13 }))).toThrow(
    /pupilId: elev-id «=CMD\(\)\|calc» er ugyldig.*schoolId: skole-id «skole-1» er ugyldig.*grade: trinn «13» må være fra 1 til 10/,
  );
  expect(buildCaseInput(procedure, caseFacts()).policy).toEqual({
    contactReminderDays: 1,
    threeDayPlanDays: 3,
    recordReminderDays: 1,
    meetingReminderDays: 2,
    followUpMeetingWithinDays: 21,
    monitoringDays: 30,
    monitoringAfterFollowUpDays: 0,
    closingReminderDays: 7,
    illnessRestDays: 180,
  });
});
