/**
 * Adapter from the intake's registration (`intake/registration-schema.ts`, what the importer
 * accepts and stores) to the registration detection consumes (`detection/registration.ts`).
 * The two schemas were written in parallel and differ in two places:
 *
 * - whole day vs partial: intake has `wholeDay: boolean`, detection a discriminated
 *   `kind: 'whole-day' | 'partial'`. A whole-day registration carries no lessons/minutes (the
 *   intake schema refuses them); a partial one keeps whichever of lessons/minutes it has (the
 *   intake schema guarantees at least one).
 * - the reason: intake keeps the school system's free code (e.g. `SYK`), detection a coarse enum.
 *   The code is compared after trimming and upper-casing; see `reasonCodeMap`. An empty code means
 *   no reason given ('unknown'); any other code not in the map is a reason we cannot classify,
 *   which is 'other' — never 'unknown', because the school did record a reason.
 *
 * Everything else (identity, grade, date, valid, notifiedByGuardians, lateArrival,
 * leftDuringDay, note) is copied unchanged. Pure: no I/O, no validation beyond the mapping (the
 * input is trusted as validated by the importer, like `detect` trusts its input).
 */
import type { AbsenceReason, AbsenceRegistration } from '../detection/registration';
import type { Registration } from '../intake/registration-schema';

/**
 * Reason codes (upper case) as schools export them, with the detection reason each means.
 * SYK/LEGE/VELFERD/UKJENT are the codes in docs/absence-format.md and intake/generate.ts; the
 * others are common spellings of the same reasons.
 */
export const reasonCodeMap: ReadonlyMap<string, AbsenceReason> = new Map<string, AbsenceReason>([
  ['SYK', 'illness'],
  ['SYKDOM', 'illness'],
  ['LEGE', 'medical-appointment'],
  ['TANNLEGE', 'medical-appointment'],
  ['HELSESYKEPLEIER', 'medical-appointment'],
  // Velferdsgrunner: family matters, funerals and the like (detection's 'family').
  ['VELFERD', 'family'],
  ['PERM', 'granted-leave'],
  ['PERMISJON', 'granted-leave'],
  ['UKJENT', 'unknown'],
]);

/** The detection reason of an intake reason code: mapped, '' → 'unknown', anything else → 'other'. */
export function toAbsenceReason(reasonCode: string): AbsenceReason {
  const exact = reasonCodeMap.get(reasonCode); // the usual case, without allocating
  if (exact !== undefined) return exact;
  const code = reasonCode.trim().toUpperCase();
  if (code === '') return 'unknown';
  return reasonCodeMap.get(code) ?? 'other';
}

/**
 * One intake registration as detection's AbsenceRegistration. Written out field by field (no
 * spreads): it runs once per registration, half a million times per national evaluation.
 */
export function toAbsenceRegistration(reg: Registration): AbsenceRegistration {
  const result: AbsenceRegistration = reg.wholeDay
    ? {
        kind: 'whole-day',
        pupilId: reg.pupilId,
        schoolId: reg.schoolId,
        grade: reg.grade,
        date: reg.date,
        valid: reg.valid,
        notifiedByGuardians: reg.notifiedByGuardians,
        lateArrival: reg.lateArrival,
        leftDuringDay: reg.leftDuringDay,
        reasonCode: toAbsenceReason(reg.reasonCode),
      }
    : {
        kind: 'partial',
        pupilId: reg.pupilId,
        schoolId: reg.schoolId,
        grade: reg.grade,
        date: reg.date,
        valid: reg.valid,
        notifiedByGuardians: reg.notifiedByGuardians,
        lateArrival: reg.lateArrival,
        leftDuringDay: reg.leftDuringDay,
        reasonCode: toAbsenceReason(reg.reasonCode),
      };
  if (result.kind === 'partial') {
    if (reg.lessons !== undefined) result.lessons = reg.lessons;
    if (reg.minutes !== undefined) result.minutes = reg.minutes;
  }
  if (reg.note !== undefined) result.note = reg.note;
  return result;
}

/** Every registration, in order. */
export function toAbsenceRegistrations(registrations: readonly Registration[]): AbsenceRegistration[] {
  return registrations.map(toAbsenceRegistration);
}
