import { eventSchemas } from '../../../machines/events';
import { parseOptions } from '../../../machines/zod-issues';
import { documentFormSchemas } from '../../../documents/document-forms';
import { documentFormFields, eventFormFields } from '../../../web/forms/event-forms';
import { formErrors, osloWallTimeToIso, readFormValues, toIsoDate } from '../../../web/forms/parse-form';

describe('osloWallTimeToIso: a datetime-local value is Oslo wall time', () => {
  it('adds +01:00 in winter and +02:00 in summer', () => {
    expect(osloWallTimeToIso('2026-12-02T10:00')).toBe('2026-12-02T10:00:00+01:00');
    expect(osloWallTimeToIso('2026-06-15T08:30')).toBe('2026-06-15T08:30:00+02:00');
    expect(osloWallTimeToIso('2026-06-15T08:30:15')).toBe('2026-06-15T08:30:15+02:00');
  });

  it('takes the last hours before and the first after the changes of 2026 (29 March, 25 October)', () => {
    expect(osloWallTimeToIso('2026-03-29T01:59')).toBe('2026-03-29T01:59:00+01:00');
    expect(osloWallTimeToIso('2026-03-29T03:00')).toBe('2026-03-29T03:00:00+02:00');
    // 02:30 happens twice on 25 October: the first time, still summer time.
    expect(osloWallTimeToIso('2026-10-25T02:30')).toBe('2026-10-25T02:30:00+02:00');
    expect(osloWallTimeToIso('2026-10-25T03:30')).toBe('2026-10-25T03:30:00+01:00');
  });

  it('gives nothing for a time that does not exist in Oslo or is no time', () => {
    expect(osloWallTimeToIso('2026-03-29T02:30')).toBeUndefined();
    expect(osloWallTimeToIso('i morgen kl. 10')).toBeUndefined();
    expect(osloWallTimeToIso('2026-13-40T10:00')).toBeUndefined();
  });
});

describe('readFormValues: posted strings to typed values', () => {
  it('converts each kind of input and leaves empty optional ones out', () => {
    const values = readFormValues(
      eventFormFields('absence.trend'),
      { 'e.trend': 'worse', 'e.from': '01.09.2026', 'e.to': ' 2026-09-30 ', 'e.absenceDays': '4,5', 'e.absenceLessons': '' },
      'e.',
    );
    expect(values).toEqual({ trend: 'worse', from: '2026-09-01', to: '2026-09-30', absenceDays: 4.5 });
    expect(eventSchemas['absence.trend'].pick({ trend: true, from: true, to: true, absenceDays: true }).safeParse(values).success).toBe(
      true,
    );
  });

  it('reads ja/nei, a checkbox list, and Oslo times', () => {
    expect(
      readFormValues(
        eventFormFields('meeting.held'),
        { meeting: 'evaluation-meeting', participants: ['principal', 'guardians'], pupilPresent: 'nei' },
        '',
      ),
    ).toEqual({
      meeting: 'evaluation-meeting',
      participants: ['principal', 'guardians'],
      pupilPresent: false,
    });
    expect(readFormValues(eventFormFields('meeting.scheduled'), { scheduledFor: '2026-06-01T14:15', participants: 'pupil' }, '')).toEqual({
      scheduledFor: '2026-06-01T14:15:00+02:00',
      participants: ['pupil'],
    });
  });

  it('sends an empty list for a required list (so the schema’s own message shows) and nothing for an optional one', () => {
    const values = readFormValues(eventFormFields('cooperationAgreement.signed'), { evaluationDate: '2026-10-01' }, '');
    expect(values).toEqual({ evaluationDate: '2026-10-01', signedBy: [] });
  });

  it('splits a text list on lines, dropping blank lines', () => {
    expect(
      readFormValues(eventFormFields('measures.agreed'), { measures: ' Møte i døra \r\n\r\nFast plass i storefri\n  \n' }, ''),
    ).toEqual({
      measures: ['Møte i døra', 'Fast plass i storefri'],
    });
  });

  it('reads group rows by number, ignoring empty rows and keeping half-filled ones for the schema to refuse', () => {
    const body = {
      'd.agenda.0.topic': 'Fraværet',
      'd.agenda.0.discussion': '',
      'd.agenda.1.topic': '',
      'd.agenda.1.discussion': '  ',
      'd.agenda.2.topic': '',
      'd.agenda.2.discussion': 'Uten sak',
      'd.agenda.10.topic': 'Tiende rad',
    };
    expect(readFormValues(documentFormFields('minutes'), body, 'd.').agenda).toEqual([
      { topic: 'Fraværet' },
      { discussion: 'Uten sak' },
      { topic: 'Tiende rad' },
    ]);
    expect(readFormValues(documentFormFields('minutes'), {}, 'd.')).toEqual({ agenda: [], decisions: [] });
  });

  it('keeps what it cannot convert as typed, so nothing the user wrote is dropped', () => {
    const values = readFormValues(
      eventFormFields('absence.noticeMissing'),
      { firstDay: 'forrige mandag', schoolDaysWithoutNotice: 'tre' },
      '',
    );
    expect(values).toEqual({ firstDay: 'forrige mandag', schoolDaysWithoutNotice: 'tre' });
    expect(readFormValues(eventFormFields('meeting.scheduled'), { scheduledFor: '2026-03-29T02:30' }, '').scheduledFor).toBe(
      '2026-03-29T02:30',
    );
    expect(readFormValues(eventFormFields('illness.confirmed'), { recurring: 'kanskje' }, '').recurring).toBe('kanskje');
    // A name posted twice (a forged or doubled post) keeps both values.
    expect(readFormValues(eventFormFields('case.closed'), { note: ['første', 'andre'] }, '').note).toBe('første\nandre');
  });

  it('turns dd.mm.yyyy into an iso date and leaves other text alone', () => {
    expect(toIsoDate('2.9.2026')).toBe('2026-09-02');
    expect(toIsoDate('2026-09-02')).toBe('2026-09-02');
    expect(toIsoDate('snart')).toBe('snart');
  });
});

describe('formErrors: zod’s refusal as a Norwegian message by input', () => {
  it('names the field by its label and shows the bad number and date', () => {
    const fields = eventFormFields('absence.noticeMissing');
    const values = readFormValues(fields, { firstDay: '2026-02-30x', schoolDaysWithoutNotice: 'tre' }, '');
    const result = eventSchemas['absence.noticeMissing']
      .pick({ firstDay: true, schoolDaysWithoutNotice: true })
      .safeParse(values, parseOptions);
    expect(result.success).toBe(false);
    const errors = formErrors(result.error!, fields, values);
    expect(errors.firstDay).toBe('Første fraværsdag: må være en dato på formen åååå-mm-dd (fikk «2026-02-30x»)');
    expect(errors.schoolDaysWithoutNotice).toBe('Skoledager uten melding: må være et tall (fikk «tre»)');
  });

  it('keys row errors by row and names the row, and puts what is outside the fields under the empty key', () => {
    const fields = documentFormFields('minutes');
    const values = { ...readFormValues(fields, { 'agenda.0.discussion': 'Uten sak', meetingKind: 'møte' }, ''), extra: 'x' };
    const result = documentFormSchemas.minutes.safeParse(values, parseOptions);
    const errors = formErrors(result.error!, fields, values);
    expect(errors['agenda.0.topic']).toBe('Saker, rad 1, Sak: mangler');
    expect(errors.meetingKind).toMatch(/^Møtetype: må være en av: .* \(fikk «møte»\)$/);
    expect(errors.meetingDate).toBe('Møtedato: mangler');
    expect(errors['']).toMatch(/ukjent felt: extra/);
  });

  it('keeps the schema’s own message for an empty required list', () => {
    const fields = eventFormFields('staff.informed');
    const values = readFormValues(fields, {}, '');
    const result = eventSchemas['staff.informed'].pick({ recipients: true }).safeParse(values, parseOptions);
    expect(formErrors(result.error!, fields, values)).toEqual({ recipients: 'Hvem som ble informert: si hvem som ble informert' });
  });
});
