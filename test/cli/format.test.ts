/** The case as a person reads it at a terminal: Norwegian labels only, history in the order it happened, evidence and notes shown. */
import { formatCase } from '../../cli/format';
import type { CaseView } from '../../workflows/case-messages';

const view: CaseView = {
  caseId: 'sak-1',
  workflowId: 'fravaerssak-S001-e1',
  procedure: { id: 'tiltaksplan-elevfravaer', version: 2, displayName: 'Tiltaksplan ved elevfravær – faser for tidlig innsats' },
  schoolId: 'S001',
  pupilId: 'e1',
  grade: 8,
  openedAt: '2026-09-04T14:00:00.000Z',
  status: 'open',
  stage: 'identification',
  state: { label: 'Kontakt med hjemmet', responsible: ['contact-teacher'], clauses: ['C.2.1a'], requiredDocuments: ['contact-log'] },
  allowedEvents: ['guardians.contacted', 'case.closed'],
  deadlines: [{ name: 'contactReminder', dueAt: '2026-09-12T14:00:00.000Z' }],
  overdue: true,
  overdueSince: '2026-09-05T14:00:00.000Z',
  daysOverdue: 6,
  timeline: [
    // Recorded on the 10th about a conversation on the 7th: shown where it happened, with when it was recorded.
    {
      kind: 'event',
      eventId: 'e-2',
      type: 'document.recorded',
      actor: { role: 'contact-teacher', userId: 'kari' },
      at: '2026-09-07T09:00:00.000Z',
      appliedAt: '2026-09-10T08:00:00.000Z',
      stateLabel: 'Kontakt med hjemmet',
      data: { kind: 'contact-log', documentRef: 'logg-7' },
    },
    {
      kind: 'deadline',
      name: 'contactReminder',
      firedAt: '2026-09-05T14:00:00.000Z',
      dueAt: '2026-09-05T14:00:00.000Z',
      stateLabel: 'Kontakt med hjemmet',
    },
    {
      kind: 'event',
      eventId: 'e-3',
      type: 'absence.newTrigger',
      actor: { role: 'system', userId: 'fravaersdeteksjon' },
      at: '2026-09-09T14:00:00.000Z',
      appliedAt: '2026-09-09T14:00:00.000Z',
      stateLabel: 'Kontakt med hjemmet',
      data: { trigger: { rule: 'consecutive-days', dates: ['2026-09-07', '2026-09-08', '2026-09-09'], days: 3 } },
    },
    {
      kind: 'event',
      eventId: 'e-4',
      type: 'escalation.decided',
      actor: { role: 'principal', userId: 'per' },
      at: '2026-09-10T10:00:00.000Z',
      appliedAt: '2026-09-10T10:00:00.000Z',
      stateLabel: 'Kontakt med hjemmet',
      data: { reason: 'Foresatte svarer ikke.', documentRef: 'beslutning-1' },
    },
    {
      kind: 'refused',
      type: 'effect:notifyGuardians',
      at: '2026-09-10T10:05:00.000Z',
      reason: 'kunne ikke utføres: e-postserveren svarer ikke',
    },
  ],
  documents: [
    {
      kind: 'contact-log',
      ref: 'logg-7',
      at: '2026-09-07T09:00:00.000Z',
      by: { role: 'contact-teacher', userId: 'kari' },
      eventType: 'document.recorded',
    },
  ],
  triggers: [
    {
      rule: 'consecutive-days',
      dates: ['2026-09-02', '2026-09-03', '2026-09-04'],
      days: 3,
      at: '2026-09-04T14:00:00.000Z',
      effect: 'opened',
    },
    {
      rule: 'consecutive-days',
      dates: ['2026-09-07', '2026-09-08', '2026-09-09'],
      days: 3,
      eventId: 'e-3',
      at: '2026-09-09T14:00:00.000Z',
      effect: 'recorded',
    },
  ],
};

const text = formatCase(view, new Date('2026-09-11T15:00:00.000Z'));

test('no internal name reaches the reader: events, deadlines, roles and documents are in Norwegian', () => {
  for (const internal of [
    'contactReminder',
    'guardians.contacted',
    'document.recorded',
    'absence.newTrigger',
    'contact-teacher',
    'contact-log',
    'consecutive-days',
    'notifyGuardians',
  ]) {
    expect({ internal, shown: text.includes(internal) }).toEqual({ internal, shown: false });
  }
  expect(text).toMatch('Kan ta imot: Kontakt med foresatte, Saken avsluttet');
  expect(text).toMatch('påminnelse om kontakt med hjemmet');
});

test('overdue shows for how many days and since which deadline', () => {
  expect(text).toMatch('Status:      åpen – kartlegging og kontakt – FORSINKET 6 dager (frist 05.09.2026)');
});

test('the triggers show with their evidence dates and what they did', () => {
  expect(text).toMatch('04.09.2026  fravær flere dager på rad: 3 dager (02.09.2026, 03.09.2026, 04.09.2026) – åpnet saken');
  expect(text).toMatch('09.09.2026  fravær flere dager på rad: 3 dager (07.09.2026, 08.09.2026, 09.09.2026) – registrert');
});

test('the history is in the order things happened, with when a late entry was recorded, and keeps the notes', () => {
  const history = text.slice(text.indexOf('Historikk:'), text.indexOf('Dokumenter:')).split('\n').slice(1);
  expect(history[0]).toMatch(/^ {2}05\.09\.2026, 16:00 {2}Frist: påminnelse om kontakt med hjemmet → Kontakt med hjemmet$/);
  expect(history[1]).toMatch(/^ {2}07\.09\.2026, 11:00 {2}Dokument arkivert – kontaktlærer kari \(registrert 10\.09\.2026, 10:00\)/);
  expect(history).toContain('          Begrunnelse: Foresatte svarer ikke.');
  expect(text).toMatch('Melding til foresatte ble ikke levert: kunne ikke utføres: e-postserveren svarer ikke');
  expect(text).toMatch('Nytt fravær over terskelen – fraværsdeteksjonen → Kontakt med hjemmet');
});

test('a closed case says when, why and by whom', () => {
  const closed = formatCase({
    ...view,
    status: 'closed',
    stage: 'closed',
    overdue: false,
    overdueSince: null,
    daysOverdue: 0,
    closing: {
      reason: 'illness-approved',
      note: 'Foresatte godkjente.',
      documentRef: 'x',
      at: '2026-09-20T10:00:00.000Z',
      actor: { role: 'contact-teacher', userId: 'kari' },
    },
  });
  expect(closed).toMatch('Avsluttet:   20.09.2026, 12:00 – sykdom, godkjent av foresatte: Foresatte godkjente. (kontaktlærer kari)');
});
