import { absenceRegistrationSchema } from '../../detection/registration';
import { generate } from '../../intake/generate';
import type { Registration } from '../../intake/registration-schema';
import { toAbsenceReason, toAbsenceRegistration, toAbsenceRegistrations } from '../../bench/to-detection';

const wholeDay: Registration = {
  pupilId: 'E000001',
  schoolId: 'S001',
  grade: 8,
  date: '2025-09-03',
  wholeDay: true,
  valid: true,
  notifiedByGuardians: true,
  lateArrival: false,
  leftDuringDay: false,
  reasonCode: 'SYK',
};

describe('toAbsenceReason', () => {
  it.each([
    ['SYK', 'illness'],
    ['LEGE', 'medical-appointment'],
    ['VELFERD', 'family'],
    ['UKJENT', 'unknown'],
    ['PERMISJON', 'granted-leave'],
  ] as const)('maps %s to %s', (code, reason) => {
    expect(toAbsenceReason(code)).toBe(reason);
  });

  it('ignores case and surrounding spaces', () => {
    expect(toAbsenceReason(' syk ')).toBe('illness');
    expect(toAbsenceReason('Lege')).toBe('medical-appointment');
  });

  it("maps an unknown code to 'other' (a reason was given) and an empty one to 'unknown'", () => {
    expect(toAbsenceReason('FOTBALLTURNERING')).toBe('other');
    expect(toAbsenceReason('   ')).toBe('unknown');
  });
});

describe('toAbsenceRegistration', () => {
  it('turns wholeDay into kind whole-day and keeps every other field', () => {
    expect(toAbsenceRegistration({ ...wholeDay, valid: false, notifiedByGuardians: false, note: 'Ringte ikke' })).toStrictEqual({
      pupilId: 'E000001',
      schoolId: 'S001',
      grade: 8,
      date: '2025-09-03',
      kind: 'whole-day',
      valid: false,
      notifiedByGuardians: false,
      lateArrival: false,
      leftDuringDay: false,
      reasonCode: 'illness',
      note: 'Ringte ikke',
    });
  });

  it('turns a partial day into kind partial with its minutes, keeping the late-arrival flag', () => {
    const result = toAbsenceRegistration({ ...wholeDay, wholeDay: false, minutes: 20, lateArrival: true, reasonCode: 'UKJENT' });
    const { wholeDay: _wholeDay, ...rest } = wholeDay;
    expect(result).toStrictEqual({ ...rest, kind: 'partial', minutes: 20, lateArrival: true, reasonCode: 'unknown' });
    expect(result).not.toHaveProperty('lessons');
  });

  it('keeps lessons and the left-during-day flag', () => {
    const result = toAbsenceRegistration({ ...wholeDay, wholeDay: false, lessons: 2, leftDuringDay: true, reasonCode: 'LEGE' });
    expect(result).toMatchObject({ kind: 'partial', lessons: 2, leftDuringDay: true, lateArrival: false, reasonCode: 'medical-appointment' });
    expect(result).not.toHaveProperty('minutes');
  });

  it("gives registrations detection's schema accepts, for every pattern the generator makes", () => {
    const { registrations } = generate({ pupils: 60, seed: 7 });
    const adapted = toAbsenceRegistrations(registrations);
    expect(adapted).toHaveLength(registrations.length);
    for (const reg of adapted) expect(absenceRegistrationSchema.safeParse(reg).success).toBe(true);
    expect(new Set(adapted.map((r) => r.kind))).toEqual(new Set(['whole-day', 'partial']));
    expect(new Set(adapted.map((r) => r.reasonCode))).toEqual(new Set(['illness', 'medical-appointment', 'family', 'unknown']));
  });
});
