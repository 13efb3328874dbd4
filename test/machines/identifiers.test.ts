/**
 * The one documented shape of school ids, pupil ids and grades (machines/identifiers.ts): what
 * is accepted, what is refused, and that every refusal names the field and echoes the value.
 */
import {
  MAX_GRADE,
  MIN_GRADE,
  gradeSchema,
  isValidGrade,
  isValidPupilId,
  isValidSchoolId,
  pupilIdSchema,
  quoteValue,
  schoolIdSchema,
} from '../../machines/identifiers';
import type { z } from 'zod';

const messages = (result: z.ZodSafeParseResult<unknown>) => result.error?.issues.map((i) => i.message) ?? [];

describe('school id', () => {
  test('letters, digits, underscore and dot, first a letter or digit, at most 32 characters', () => {
    for (const ok of ['S001', 's1', 'nordby.skole', 'Skole_7', '1', 'a'.repeat(32)]) expect([ok, isValidSchoolId(ok)]).toEqual([ok, true]);
    for (const bad of [
      '',
      'skole-1',
      '=CMD()|calc',
      '.skole',
      '_s',
      'a'.repeat(33),
      'S 001',
      'skole/1',
      'S|1',
      'Nørby',
      '-1',
      '@s',
      '+s',
    ]) {
      expect([bad, isValidSchoolId(bad)]).toEqual([bad, false]);
    }
    expect(isValidSchoolId(1)).toBe(false);
  });

  test('no hyphen, because two school + pupil pairs would otherwise share a workflow id', () => {
    // fravaerssak-a-b-c could be school a-b with pupil c, or school a with pupil b-c.
    const workflowId = (school: string, pupil: string) => `fravaerssak-${school}-${pupil}`;
    expect(workflowId('a-b', 'c')).toBe(workflowId('a', 'b-c'));
    expect(isValidSchoolId('a-b')).toBe(false);
    expect(isValidSchoolId('a') && isValidPupilId('b-c')).toBe(true);
  });

  test('the message names the field, echoes the value and states the rule', () => {
    expect(messages(schoolIdSchema.safeParse('skole-1'))).toEqual([
      'skole-id «skole-1» er ugyldig: bruk bokstaver, sifre, understrek og punktum (1–32 tegn, første tegn bokstav eller siffer, ingen bindestrek)',
    ]);
    expect(messages(schoolIdSchema.safeParse(''))).toEqual(['skole-id mangler']);
    expect(messages(schoolIdSchema.safeParse(undefined))).toEqual(['skole-id mangler']);
    expect(messages(schoolIdSchema.safeParse(17))).toEqual(['skole-id «17» må være tekst']);
  });
});

describe('pupil id', () => {
  test('letters, digits, hyphen, underscore and dot, first a letter or digit, at most 64 characters', () => {
    for (const ok of ['E000123', 'elev-1', 'p.1_a', 'a'.repeat(64)]) expect([ok, isValidPupilId(ok)]).toEqual([ok, true]);
    for (const bad of ['', '=CMD()|calc', '-elev', '+47', '@elev', '\telev', 'a'.repeat(65), 'elev 1', 'elev|1', 'Ås']) {
      expect([bad, isValidPupilId(bad)]).toEqual([bad, false]);
    }
  });

  test('=CMD()|calc is refused with the documented message', () => {
    expect(messages(pupilIdSchema.safeParse('=CMD()|calc'))).toEqual([
      'elev-id «=CMD()|calc» er ugyldig: bruk bokstaver, sifre, bindestrek, understrek og punktum (1–64 tegn, første tegn bokstav eller siffer)',
    ]);
    expect(pupilIdSchema.parse('E000123')).toBe('E000123');
  });
});

describe('grade', () => {
  test(`whole numbers ${MIN_GRADE}–${MAX_GRADE} (grunnskole), the same rule everywhere`, () => {
    expect([MIN_GRADE, MAX_GRADE]).toEqual([1, 10]);
    expect([1, 5, 10].map(isValidGrade)).toEqual([true, true, true]);
    expect([0, 11, 13, 5.5, -1, Number.NaN, '5'].map(isValidGrade)).toEqual([false, false, false, false, false, false, false]);
  });

  test('the message echoes the value', () => {
    expect(messages(gradeSchema.safeParse(14))).toEqual(['trinn «14» må være fra 1 til 10']);
    expect(messages(gradeSchema.safeParse(0))).toEqual(['trinn «0» må være fra 1 til 10']);
    expect(messages(gradeSchema.safeParse(5.5))).toEqual(['trinn «5.5» må være et heltall fra 1 til 10']);
    expect(messages(gradeSchema.safeParse('ni'))).toEqual(['trinn «ni» må være et tall fra 1 til 10']);
    expect(messages(gradeSchema.safeParse(undefined))).toEqual(['trinn mangler']);
    expect(gradeSchema.parse(10)).toBe(10);
  });
});

test('echoed values cannot rewrite the terminal and are shortened when long', () => {
  expect(quoteValue('a\nb\u001b[31m\u202e')).toBe('«a\\nb\\u001b[31m\\u202e»');
  expect(quoteValue(true)).toBe('«true»');
  expect(quoteValue('x'.repeat(200))).toBe(`«${'x'.repeat(80)}… (200 tegn)»`);
});
