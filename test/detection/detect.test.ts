/**
 * The detect entry point: runs a procedure's opening rules over many pupils, returns triggers
 * in the absence-trigger shape with evidence and a Norwegian description, counts only new
 * absence after earlier triggers (C §3), and takes a municipality's policy overrides.
 */
import { absenceTriggerSchema } from '../../machines/events';
import { ProcedureError } from '../../machines/registry';
import { InvalidDetectionPolicyError } from '../../detection/policy';
import { registrationSchema } from '../../intake/registration-schema';
import { detect } from '../../detection/rules';
import { triggerEvidence } from '../../detection/dispatch-plan';
import { calendar, invalid, partial, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const E = 'raelingen-veileder';

describe('detect', () => {
  const regs = [
    ...['2026-05-12', '2026-05-13', '2026-05-15'].map((d) => whole(d)),
    ...['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28'].map((d) => whole(d, { pupilId: 'elev-2' })),
  ];

  test("[C.2] runs the procedure's rules for every pupil and sorts the triggers by the date they fired", () => {
    const found = detect(C, regs, calendar, '2026-06-19');
    expect(found.map((t) => [t.pupilId, t.rule, t.firedOn, t.dates])).toEqual([
      ['elev-2', 'single-days-in-month', '2026-04-28', ['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28']],
      ['elev-1', 'consecutive-days', '2026-05-15', ['2026-05-12', '2026-05-13', '2026-05-15']],
    ]);
    for (const t of found) expect(() => absenceTriggerSchema.parse(triggerEvidence(t))).not.toThrow();
    expect(found[1]?.description).toBe('Fravær 3 sammenhengende skoledager (12.05.2026, 13.05.2026, 15.05.2026).');
  });

  test('[C.2] nothing after today is looked at', () => {
    expect(detect(C, regs, calendar, '2026-05-13').map((t) => t.pupilId)).toEqual(['elev-2']);
  });

  test("[C.3] a new trigger counts only absence after the previous trigger's last evidence date", () => {
    const more = [...regs, ...['2026-05-18', '2026-05-19'].map((d) => whole(d))];
    const first = detect(C, more, calendar, '2026-06-19').filter((t) => t.pupilId === 'elev-1');
    expect(first.map((t) => [t.rule, t.dates])).toEqual([
      ['consecutive-days', ['2026-05-12', '2026-05-13', '2026-05-15']],
      ['single-days-in-month', ['2026-05-12', '2026-05-13', '2026-05-15', '2026-05-18']],
    ]);
    // Only 05-19 is after the latest evidence (05-18): no new trigger yet.
    expect(detect(C, more, calendar, '2026-06-19', first).filter((t) => t.pupilId === 'elev-1')).toEqual([]);
    const again = [...more, ...['2026-05-20', '2026-05-21'].map((d) => whole(d))];
    const second = detect(C, again, calendar, '2026-06-19', first).filter((t) => t.pupilId === 'elev-1');
    expect(second.map((t) => [t.rule, t.clause, t.dates])).toEqual([
      ['consecutive-days', 'C.3', ['2026-05-19', '2026-05-20', '2026-05-21']],
    ]);
    expect(second[0]?.description).toBe('Fravær 3 nye sammenhengende skoledager (19.05.2026, 20.05.2026, 21.05.2026).');
  });

  test('[C.1.2][C.2] a previous missing notice does not hide a pattern: each rule counts after the previous triggers of its own family', () => {
    const previous = [{ pupilId: 'elev-1', rule: 'unnotified-absence' as const, dates: ['2026-05-13'] }];
    expect(detect(C, regs, calendar, '2026-06-19', previous).map((t) => [t.pupilId, t.rule, t.clause])).toEqual([
      ['elev-2', 'single-days-in-month', 'C.2'],
      ['elev-1', 'consecutive-days', 'C.2'],
    ]);
  });

  test("[C.3] a previous trigger for one pupil does not hide another pupil's absence", () => {
    const previous = [{ pupilId: 'elev-1', rule: 'consecutive-days' as const, dates: ['2026-05-15'] }];
    expect(detect(C, regs, calendar, '2026-06-19', previous).map((t) => t.pupilId)).toEqual(['elev-2']);
  });

  test("[E.S5a] only the procedure's opening rules run: Rælingen does not count consecutive days", () => {
    const found = detect(E, regs, calendar, '2026-06-19');
    expect(found.map((t) => t.rule)).toEqual([]);
    const bad = [
      '2026-04-20',
      '2026-04-21',
      '2026-04-22',
      '2026-04-23',
      '2026-04-24',
      '2026-04-27',
      '2026-04-28',
      '2026-04-29',
      '2026-04-30',
    ].map((d) => whole(d, { ...invalid, notifiedByGuardians: true, grade: 9 }));
    // Invalid days with notice: the first is a danger sign (E.DS), the 9th day is over the limit (E.S5a).
    expect(detect(E, bad, calendar, '2026-06-19').map((t) => [t.rule, t.firedOn, t.days])).toEqual([
      ['suspected-invalid-absence', '2026-04-20', 1],
      ['days-or-lessons-over-limit', '2026-04-30', 9],
    ]);
  });

  test('[C.2] a municipality override changes the threshold; an unknown or bad field is refused by name', () => {
    expect(detect(C, regs, calendar, '2026-06-19', [], { consecutiveSchoolDays: 4 }).map((t) => t.rule)).toEqual(['single-days-in-month']);
    expect(() => detect(C, regs, calendar, '2026-06-19', [], { consecutiveDays: 4 })).toThrow(InvalidDetectionPolicyError);
    expect(() => detect(C, regs, calendar, '2026-06-19', [], { consecutiveDays: 4 })).toThrow('ukjent felt: consecutiveDays');
    expect(() => detect(C, regs, calendar, '2026-06-19', [], { singleDaysInMonth: 0 })).toThrow(
      'singleDaysInMonth: må være minst 1 (fikk «0»)',
    );
  });

  test('[Registry] an unknown procedure is refused', () => {
    expect(() => detect('oslo-rutine', regs, calendar, '2026-06-19')).toThrow(ProcedureError);
  });
});

describe('registration schema (the one shape intake stores and detection reads)', () => {
  test('[C.1.1] a partial absence needs lessons and/or minutes; grade must be 1-10', () => {
    expect(registrationSchema.safeParse(partial('2026-05-12', 2)).success).toBe(true);
    const noAmount = registrationSchema.safeParse({ ...partial('2026-05-12', 1), lessons: undefined });
    expect(noAmount.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['lessons', 'delvis fravær må ha timer og/eller minutter'],
    ]);
    const grade = registrationSchema.safeParse(whole('2026-05-12', { grade: 11 }));
    expect(grade.error?.issues.map((i) => i.path.join('.'))).toEqual(['grade']);
  });
});
