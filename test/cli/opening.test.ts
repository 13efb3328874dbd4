/** Opening a case by hand goes through the school directory: a known school, its own procedure and policy, a trigger the procedure opens on. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TriggerBelowLimitError,
  UnknownSchoolError,
  WrongProcedureError,
  checkOpeningTrigger,
  resolveOpening,
} from '../../casework/opening';
import { buildSchoolDirectory } from '../../detection/school-directory';

const directory = buildSchoolDirectory(JSON.parse(readFileSync(join(__dirname, '..', '..', 'config', 'schools.json'), 'utf8')));

test('[point 8] a school the directory does not know is refused, naming it and the known schools', () => {
  expect(() => resolveOpening(directory, 'S999')).toThrow(UnknownSchoolError);
  expect(() => resolveOpening(directory, 'S999')).toThrow(/Skolen «S999» står ikke i skolekatalogen\. Kjente skoler: S001, S002/);
});

test("[point 8] a case opens under the school's own procedure, never another municipality's", () => {
  expect(resolveOpening(directory, 'S001').procedure.id).toBe('tiltaksplan-elevfravaer');
  expect(resolveOpening(directory, 'S011', 'raelingen-veileder').procedure.id).toBe('raelingen-veileder');
  expect(() => resolveOpening(directory, 'S001', 'raelingen-veileder')).toThrow(WrongProcedureError);
  expect(() => resolveOpening(directory, 'S001', 'raelingen-veileder')).toThrow(
    /følger rutinen «tiltaksplan-elevfravaer», ikke «raelingen-veileder»/,
  );
});

test('[A.T1.0] procedure A opens on "over 10 days" only over the limit', () => {
  const opening = resolveOpening(directory, 'S006');
  const trigger = (days: number) => ({ rule: 'days-over-limit' as const, dates: ['2026-09-01'], days });
  expect(() => checkOpeningTrigger(opening, trigger(10))).toThrow(TriggerBelowLimitError);
  expect(() => checkOpeningTrigger(opening, trigger(10))).toThrow(/bare ved mer enn 10 dager; utløseren har 10/);
  expect(() => checkOpeningTrigger(opening, trigger(11))).not.toThrow();
});

test('[E.S5a] procedure E opens on counted absence only over 8 days or 10 lessons', () => {
  const opening = resolveOpening(directory, 'S011');
  const trigger = (days: number, lessons: number) => ({
    rule: 'days-or-lessons-over-limit' as const,
    dates: ['2026-09-01'],
    days,
    lessons,
  });
  expect(() => checkOpeningTrigger(opening, trigger(8, 10))).toThrow(
    /bare ved mer enn 8 dager eller 10 enkelttimer; utløseren har 8 dager og 10 timer/,
  );
  expect(() => checkOpeningTrigger(opening, trigger(9, 0))).not.toThrow();
  expect(() => checkOpeningTrigger(opening, trigger(0, 11))).not.toThrow();
});
