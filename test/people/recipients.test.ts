/**
 * The recipient rules (people/recipients.ts, docs/people-format.md): guardians only with
 * parental responsibility, staff by role at the pupil's own school, the pupil's own contact
 * teacher, and a guardian with a protected address never shown to anyone else.
 */
import { envelopesFor, forDisplayToOthers, guardiansForDisplay, recipientsFor, visibleTo } from '../../people/recipients';
import { guardian, pupilPeople, staffMember } from './fixtures';

const ids = (people: readonly { id: string }[]) => people.map((p) => p.id);

describe('recipientsFor', () => {
  test('guardians: only those with parental responsibility', () => {
    const people = pupilPeople({
      guardians: [
        guardian({ guardianId: 'F1' }),
        guardian({ guardianId: 'F2', parentalResponsibility: false, livesWith: true }),
        guardian({ guardianId: 'F3', livesWith: false }),
      ],
    });
    expect(ids(recipientsFor('guardians', people))).toEqual(['F1', 'F3']);
  });

  test('a guardian with a protected address still receives messages about their own child, flagged as protected', () => {
    const recipients = recipientsFor('guardians', pupilPeople());
    expect(recipients.map((r) => [r.id, r.protectedAddress])).toEqual([
      ['F1', false],
      ['F2', true],
    ]);
  });

  test('contact-teacher: the pupil’s own contact teacher, not every contact teacher at the school', () => {
    expect(ids(recipientsFor('contact-teacher', pupilPeople()))).toEqual(['A1']);
    const otherTeacher = pupilPeople();
    otherTeacher.pupil = { ...otherTeacher.pupil, contactTeacherId: 'A4' };
    expect(ids(recipientsFor('contact-teacher', otherTeacher))).toEqual(['A4']);
  });

  test('contact-teacher: none when the pupil has none, or when that person is not staff at the pupil’s school', () => {
    const none = pupilPeople();
    none.pupil = { schoolId: 'S001', pupilId: 'E1', name: 'Ola', grade: 5 };
    expect(recipientsFor('contact-teacher', none)).toEqual([]);
    const elsewhere = pupilPeople();
    elsewhere.pupil = { ...elsewhere.pupil, contactTeacherId: 'A9' };
    expect(recipientsFor('contact-teacher', elsewhere)).toEqual([]);
  });

  test('a school role: the staff holding it at the pupil’s school only', () => {
    expect(ids(recipientsFor('principal', pupilPeople()))).toEqual(['A2']);
    expect(ids(recipientsFor('school-leadership', pupilPeople()))).toEqual(['A2']);
    expect(recipientsFor('school-nurse', pupilPeople())).toEqual([]);
  });

  test('roles with no directory entry (services outside the school, the pupil, the system) have no recipients', () => {
    for (const role of ['ppt', 'child-welfare', 'pupil', 'system'] as const) expect(recipientsFor(role, pupilPeople())).toEqual([]);
  });

  test('staff are written to in bokmål; guardians in their own language and written standard', () => {
    const people = pupilPeople({ guardians: [guardian({ guardianId: 'F1', language: 'nn', writtenStandard: 'nynorsk' })] });
    expect(recipientsFor('guardians', people)[0]).toMatchObject({ language: 'nn', writtenStandard: 'nynorsk', email: 'F1@example.no' });
    expect(recipientsFor('principal', people)[0]).toMatchObject({
      kind: 'staff',
      language: 'nb',
      writtenStandard: 'bokmal',
      email: 'A2@skole.no',
    });
  });
});

describe('the protected-address rule', () => {
  test('a message to both guardians is one envelope per guardian, never two in one', () => {
    const envelopes = envelopesFor('guardians', pupilPeople());
    expect(envelopes).toHaveLength(2);
    expect(envelopes.map((e) => e.to.id)).toEqual(['F1', 'F2']);
    // The envelope has exactly one recipient field: no Cc, no list.
    for (const envelope of envelopes) expect(Object.keys(envelope)).toEqual(['to']);
  });

  test('what the other guardian sees names nobody with a protected address', () => {
    const guardians = recipientsFor('guardians', pupilPeople());
    const toF1 = visibleTo({ kind: 'guardian', id: 'F1' }, guardians);
    expect(ids(toF1)).toEqual(['F1']);
    expect(JSON.stringify(toF1)).not.toContain('F2@example.no');
  });

  test('the protected guardian sees themself', () => {
    const guardians = recipientsFor('guardians', pupilPeople());
    expect(ids(visibleTo({ kind: 'guardian', id: 'F2' }, guardians))).toEqual(['F1', 'F2']);
  });

  test('a staff member with the same id as a protected guardian does not see them', () => {
    const guardians = recipientsFor('guardians', pupilPeople());
    expect(ids(visibleTo({ kind: 'staff', id: 'F2' }, guardians))).toEqual(['F1']);
  });

  test('lists for display to others (staff, reports) leave protected guardians out entirely', () => {
    const people = pupilPeople();
    expect(ids(guardiansForDisplay(people))).toEqual(['F1']);
    const everyone = [...recipientsFor('guardians', people), ...recipientsFor('principal', people)];
    const shown = JSON.stringify(forDisplayToOthers(everyone));
    expect(shown).not.toContain('F2');
    expect(shown).toContain('A2');
  });

  test('a guardian without parental responsibility but with a protected address is neither a recipient nor shown', () => {
    const people = pupilPeople({
      guardians: [guardian({ guardianId: 'F1' }), guardian({ guardianId: 'F5', parentalResponsibility: false, protectedAddress: true })],
    });
    expect(ids(recipientsFor('guardians', people))).toEqual(['F1']);
    expect(ids(guardiansForDisplay(people))).toEqual(['F1']);
  });

  test('staff are never hidden', () => {
    const staff = recipientsFor('contact-teacher', pupilPeople({ staff: [staffMember({ staffId: 'A1', roles: ['contact-teacher'] })] }));
    expect(ids(forDisplayToOthers(staff))).toEqual(['A1']);
  });
});
