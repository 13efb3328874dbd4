/**
 * Render → fill in as a browser posts → readFormValues → the real validators. The names filled are
 * checked against the rendered markup (fillForm), so renderer and reader must agree on names.
 */
import { documentRefField } from '../../../casework/file-document';
import { DocumentFormError, parseDocumentForm } from '../../../documents/document-forms';
import { type EventType, InvalidEventError, eventSchemas, parseCaseEvent } from '../../../machines/events';
import { parseOptions } from '../../../machines/zod-issues';
import type { DocumentKind } from '../../../machines/vocabulary';
import { documentFormFields, eventFormFields } from '../../../web/forms/event-forms';
import { formErrors, readFormValues } from '../../../web/forms/parse-form';
import { renderFields } from '../../../web/forms/render-form';
import { fillForm } from './fill-form';

const PREFIX = 'hendelse.';
const common = { eventId: 'web-1', actor: { role: 'contact-teacher', userId: 'kari' }, at: '2026-12-02T10:00:00+01:00' };

function eventFromForm(type: EventType, entries: Record<string, string | string[]>) {
  const fields = eventFormFields(type);
  const body = fillForm(
    renderFields(fields, { prefix: PREFIX }).value,
    Object.fromEntries(Object.entries(entries).map(([k, v]) => [PREFIX + k, v])),
  );
  const values = readFormValues(fields, body, PREFIX);
  const ref = documentRefField(type);
  return parseCaseEvent({ type, ...common, ...values, ...(ref ? { [ref]: 'arkiv:2026/1-1' } : {}) });
}

function documentFromForm<K extends DocumentKind>(kind: K, entries: Record<string, string | string[]>) {
  const fields = documentFormFields(kind);
  const body = fillForm(
    renderFields(fields, { prefix: 'dokument.' }).value,
    Object.fromEntries(Object.entries(entries).map(([k, v]) => [`dokument.${k}`, v])),
  );
  return parseDocumentForm(kind, readFormValues(fields, body, 'dokument.'));
}

describe('round trip: a filled-in event form is a valid event', () => {
  it('guardians.contacted', () => {
    expect(eventFromForm('guardians.contacted', { channel: 'phone', cause: 'school-related', causeNote: '  Gruer seg til gym  ' })).toEqual(
      {
        type: 'guardians.contacted',
        ...common,
        channel: 'phone',
        cause: 'school-related',
        causeNote: 'Gruer seg til gym',
        documentRef: 'arkiv:2026/1-1',
      },
    );
    expect(eventFromForm('guardians.contacted', { channel: 'letter', cause: 'unknown', causeNote: '' })).not.toHaveProperty('causeNote');
  });

  it('meeting.scheduled, with the meeting time in Oslo winter and summer time', () => {
    const winter = eventFromForm('meeting.scheduled', {
      meeting: 'cooperation-meeting',
      scheduledFor: '2026-12-02T10:00',
      participants: ['contact-teacher', 'guardians'],
    });
    expect(winter).toMatchObject({ scheduledFor: '2026-12-02T10:00:00+01:00', participants: ['contact-teacher', 'guardians'] });
    const summer = eventFromForm('meeting.scheduled', {
      meeting: 'pupil-conversation',
      scheduledFor: '2026-06-02T10:00',
      participants: 'pupil',
    });
    expect(summer).toMatchObject({ scheduledFor: '2026-06-02T10:00:00+02:00', participants: ['pupil'] });
  });

  it('measures.agreed', () => {
    expect(
      eventFromForm('measures.agreed', { measures: 'Møtes i døra\n\nFast plass i storefri\n', evaluationDate: '2026-12-23' }),
    ).toMatchObject({
      measures: ['Møtes i døra', 'Fast plass i storefri'],
      evaluationDate: '2026-12-23',
      planRef: 'arkiv:2026/1-1',
    });
  });

  it('cooperationAgreement.signed', () => {
    expect(
      eventFromForm('cooperationAgreement.signed', {
        evaluationDate: '2027-01-15',
        signedBy: ['principal', 'guardians', 'pupil'],
        present: [],
        hasPlanB: 'ja',
      }),
    ).toMatchObject({ signedBy: ['principal', 'guardians', 'pupil'], hasPlanB: true, documentRef: 'arkiv:2026/1-1' });
  });

  it('case.closed', () => {
    expect(eventFromForm('case.closed', { reason: 'absence-improved', note: 'Fraværet er borte etter tiltakene.' })).toMatchObject({
      reason: 'absence-improved',
      note: 'Fraværet er borte etter tiltakene.',
    });
  });

  it('refuses a bad date with a Norwegian message naming the field and the value', () => {
    expect(() => eventFromForm('measures.agreed', { measures: 'Et tiltak', evaluationDate: 'neste fredag' })).toThrow(InvalidEventError);
    expect(() => eventFromForm('measures.agreed', { measures: 'Et tiltak', evaluationDate: 'neste fredag' })).toThrow(
      /evaluationDate: .*«neste fredag»/,
    );
    const fields = eventFormFields('absence.trend');
    const values = readFormValues(fields, { from: '2026-09-01', to: '2026-09-31', trend: 'worse', absenceDays: 'fire' }, '');
    const result = eventSchemas['absence.trend'].safeParse({ type: 'absence.trend', ...common, ...values }, parseOptions);
    expect(formErrors(result.error!, fields, values)).toEqual({
      to: 'Til dato: må være en dato på formen åååå-mm-dd (fikk «2026-09-31»)',
      absenceDays: 'Fraværsdager: må være et tall (fikk «fire»)',
    });
  });
});

describe('round trip: a filled-in document form is a valid document', () => {
  it('contact-log', () => {
    expect(
      documentFromForm('contact-log', {
        conversationDate: '02.12.2026',
        channel: 'home-visit',
        summary: 'Fraværet siste uke.',
        guardiansView: '',
        agreed: 'Foresatte ringer før åtte.',
        nextStep: 'Ny samtale fredag.',
        nextContactDate: '2026-12-04',
      }),
    ).toEqual({
      conversationDate: '2026-12-02',
      channel: 'home-visit',
      summary: 'Fraværet siste uke.',
      agreed: 'Foresatte ringer før åtte.',
      nextStep: 'Ny samtale fredag.',
      nextContactDate: '2026-12-04',
    });
  });

  it('minutes with agenda rows, empty rows ignored', () => {
    const minutes = documentFromForm('minutes', {
      meetingKind: 'cooperation-meeting',
      meetingDate: '2026-12-02',
      'agenda.0.topic': 'Fraværet så langt',
      'agenda.0.discussion': 'Økt etter høstferien.',
      'agenda.1.topic': '',
      'agenda.1.discussion': '',
      'agenda.2.topic': 'Tiltak i gymtimene',
      'agenda.2.discussion': '',
      'decisions.0.decision': 'Egen garderobe',
      'decisions.0.responsible': 'Kontaktlærer',
      'decisions.0.deadline': '2026-12-09',
      'decisions.1.decision': '',
    });
    expect(minutes.agenda).toEqual([{ topic: 'Fraværet så langt', discussion: 'Økt etter høstferien.' }, { topic: 'Tiltak i gymtimene' }]);
    expect(minutes.decisions).toEqual([{ decision: 'Egen garderobe', responsible: 'Kontaktlærer', deadline: '2026-12-09' }]);
  });

  it('measures-plan', () => {
    expect(
      documentFromForm('measures-plan', {
        goal: 'På skolen alle dager innen jul.',
        'measures.0.measure': 'Møtes i døra hver morgen',
        'measures.0.responsible': 'Kari',
        'measures.0.when': 'kl. 08.15',
        evaluationDate: '2026-12-20',
      }),
    ).toEqual({
      goal: 'På skolen alle dager innen jul.',
      measures: [{ measure: 'Møtes i døra hver morgen', responsible: 'Kari', when: 'kl. 08.15' }],
      evaluationDate: '2026-12-20',
    });
  });

  it('refuses minutes without any agenda item, naming the field', () => {
    expect(() => documentFromForm('minutes', { meetingKind: 'cooperation-meeting', meetingDate: '2026-12-02' })).toThrow(DocumentFormError);
    expect(() => documentFromForm('minutes', { meetingKind: 'cooperation-meeting', meetingDate: '2026-12-02' })).toThrow(
      /agenda: må ha minst ett element/,
    );
  });
});
