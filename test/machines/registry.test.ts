import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
/** The procedure registry: versions are kept side by side, and bad lookups or inputs say what is wrong. */
import { detectionPolicySchema } from '../../detection/policy';
import { rules } from '../../detection/rules';
import {
  buildCaseInput,
  createProcedureRegistry,
  defineProcedure,
  getProcedure,
  latestVersion,
  listProcedures,
  currentProcedures,
  procedureRegistry,
  ProcedureError,
} from '../../machines/registry';
import type { tiltaksplanMachine } from '../../machines/tiltaksplan-elevfravaer';
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

describe('a procedure is one definition', () => {
  const tiltaksplan = getProcedure('tiltaksplan-elevfravaer');

  test('defineProcedure types routine delays against the machine and refuses an unknown one at run time too', () => {
    expect(() =>
      defineProcedure({
        ...tiltaksplan,
        machine: tiltaksplan.machine as typeof tiltaksplanMachine,
        // @ts-expect-error -- a misspelt delay is not one of the machine's delay names
        routineDelays: ['monitoringPeriodd'],
      }),
    ).toThrow(/ukjente rutinefrister monitoringPeriodd/);
    expect(
      defineProcedure({ ...tiltaksplan, machine: tiltaksplan.machine as typeof tiltaksplanMachine, routineDelays: ['monitoringPeriod'] })
        .routineDelays,
    ).toEqual(['monitoringPeriod']);
  });

  test('every current definition carries its detection defaults and rules, each rule one it opens on and one detection implements', () => {
    for (const p of currentProcedures()) {
      expect(() => detectionPolicySchema.parse(p.detection.defaults)).not.toThrow();
      expect(p.detection.rules.length).toBeGreaterThan(0);
      for (const rule of p.detection.rules) {
        expect(p.openingRules).toContain(rule);
        expect(rules[rule]).toBeDefined();
      }
      expect(p.clauses.map((c) => c.id)).toContain(p.detection.noticeClause);
    }
  });

  test('Rælingen detects every pattern it opens on but a staff concern, in its own order, in both versions', () => {
    for (const version of [1, 2]) {
      expect(getProcedure('raelingen-veileder', version).detection.rules).toEqual([
        'days-or-lessons-over-limit',
        'suspected-invalid-absence',
        'valid-absence-half-year',
        'unnotified-absence',
        'late-arrivals',
        'left-during-day',
      ]);
    }
  });

  test('every version carries what its procedure shares and the senders every procedure adds', () => {
    for (const p of listProcedures()) {
      const newest = getProcedure(p.id);
      expect([p.displayName, p.shortName, p.owner, p.specification, p.detection]).toEqual([
        newest.displayName,
        newest.shortName,
        newest.owner,
        newest.specification,
        newest.detection,
      ]);
      expect(p.extraSenders['referral.sent']).toEqual(['child-welfare', 'doctor', 'mental-health']);
    }
  });

  test('a registry refuses the same version twice and detection raising a trigger the procedure does not open on', () => {
    expect(() => createProcedureRegistry([tiltaksplan, tiltaksplan])).toThrow(/registrert to ganger/);
    const wrong = {
      ...tiltaksplan,
      detection: { ...tiltaksplan.detection, rules: [...tiltaksplan.detection.rules, 'late-arrivals' as const] },
    };
    expect(() => createProcedureRegistry([wrong])).toThrow(/deteksjonen reiser late-arrivals/);
  });

  test('a registry of its own answers lookups from its definitions only', () => {
    const own = createProcedureRegistry([tiltaksplan]);
    expect(own.ids()).toEqual(['tiltaksplan-elevfravaer']);
    expect(own.current()).toEqual([tiltaksplan]);
    expect(() => own.get('hardanger-handlingsplan')).toThrow(ProcedureError);
    expect(procedureRegistry.ids()).toHaveLength(4);
  });

  test('a procedure registered later becomes current in that registry only; the same version twice is refused', () => {
    const own = createProcedureRegistry([getProcedure('hardanger-handlingsplan')]);
    own.register(tiltaksplan);
    expect(own.current().map((p) => p.id)).toEqual(['hardanger-handlingsplan', 'tiltaksplan-elevfravaer']);
    expect(own.get('tiltaksplan-elevfravaer')).toBe(tiltaksplan);
    expect(() => own.register(tiltaksplan)).toThrow(/registrert to ganger/);
    expect(procedureRegistry.list()).toHaveLength(8);
  });

  test('detection, the audit, the diagrams and traceability import no procedure module: they read the definition', () => {
    const root = join(__dirname, '..', '..');
    const files = [
      ...['detection', 'audit', 'diagrams'].flatMap((dir) => readdirSync(join(root, dir)).map((f) => join(dir, f))),
      'scripts/lib/traceability.ts',
      'scripts/traceability.ts',
    ].filter((f) => f.endsWith('.ts'));
    const procedureModule =
      /from '[./]*\/machines\/(?:v1\/)?(?:plan-for-skolenaervaer|hardanger-handlingsplan|tiltaksplan-elevfravaer|raelingen-veileder)'/;
    const offenders = files.filter((f) => procedureModule.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
