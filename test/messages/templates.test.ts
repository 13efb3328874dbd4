/**
 * The message templates: every kind in every language renders, names the school and the contact,
 * fits two SMS, leaks no sensitive word, has real nynorsk, shows dates as the reader reads them,
 * keeps context values as plain one-line text, and picks the reader's language.
 */
import { guardianMessageSchema, reminderTopicSchema, schoolOwnerTopicSchema, staffTopicSchema } from '../../machines/effects';
import { documentKindSchema, meetingKindSchema } from '../../machines/vocabulary';
import {
  type MessageTemplateKey,
  type RenderedMessage,
  TEMPLATE_LANGUAGES,
  type TemplateContext,
  TemplateInputError,
  renderMessage,
  templateLanguageFor,
} from '../../messages/templates';
import type { TemplateTable } from '../../messages/templates/types';

const guardianKeys: MessageTemplateKey[] = guardianMessageSchema.options.map((message) => ({ kind: 'guardian', message }));
const staffKeys: MessageTemplateKey[] = [
  ...staffTopicSchema.options.map((topic) => ({ kind: 'staff' as const, topic })),
  ...reminderTopicSchema.options.map((topic) => ({ kind: 'reminder' as const, topic })),
  ...schoolOwnerTopicSchema.options.map((topic) => ({ kind: 'school-owner' as const, topic })),
  ...documentKindSchema.options.map((document) => ({ kind: 'document-request' as const, document })),
  ...meetingKindSchema.options.map((meeting) => ({ kind: 'meeting-call' as const, meeting })),
  ...meetingKindSchema.options.map((meeting) => ({ kind: 'meeting-call' as const, meeting, dueDate: '2026-09-30' })),
];
const invitationKeys: MessageTemplateKey[] = meetingKindSchema.options.flatMap((meeting) => [
  { kind: 'meeting-invitation' as const, meeting, start: '2026-09-08T09:00', changed: false },
  { kind: 'meeting-invitation' as const, meeting, start: '2026-09-08T09:00', changed: true },
]);
const allKeys = [...guardianKeys, ...staffKeys, ...invitationKeys];

const context: TemplateContext = {
  schoolName: 'Nordbygda ungdomsskule',
  contact: { name: 'Kari Nordmann', email: 'kari.nordmann@nordbygda.no', phone: '912 34 567' },
  pupilFirstName: 'Ola',
  caseReference: '2026/17',
};
/** Every value as long as a directory may hold it, and no phone: the e-mail goes into the SMS. */
const longContext: TemplateContext = {
  schoolName: 'Den kommunale barne- og ungdomsskolen i Øvre Nordbygda oppvekstsenter avdeling sør',
  contact: {
    name: 'Kari Marie Elisabeth Nordmann-Østensjø Haraldsdatter',
    email: 'kari.marie.elisabeth.nordmann-ostensjo@oppvekst.nordbygda.kommune.no',
  },
  pupilFirstName: 'Maximilian-Alexander',
  caseReference: 'nordbygda-ungdomsskule/2026-09-08/4f1c2d3e-5a6b-7c8d-9e0f-123456789abc',
};

const describeKey = (key: MessageTemplateKey) => Object.values(key).join(' ');
const render = (key: MessageTemplateKey, language: (typeof TEMPLATE_LANGUAGES)[number], ctx = context) => renderMessage(key, language, ctx);
const cases = allKeys.flatMap((key) => TEMPLATE_LANGUAGES.map((language) => [describeKey(key), language, key] as const));
const parts = (m: RenderedMessage) => [m.subject, m.text, m.sms];

/** A word's start, in any letter case: the word and any longer word it begins (barnevern, barnevernet, barnevernstenesta). */
const wordStart = (word: string) => new RegExp(`(?<![\\p{L}\\p{N}])${word}`, 'iu');
/** The word alone. */
const wholeWord = (word: string) => new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'iu');

const forbidden = [
  ...['barnevern', 'child welfare', 'child-welfare', 'mistank', 'suspicion', 'suspect', 'sykdom', 'sjukdom', 'illness', 'diagnos'].map(
    wordStart,
  ),
  ...['angst', 'anxiety', 'depresjon', 'depression', 'vold', 'violence', 'overgrep', 'abuse', 'rus', 'omsorgssvikt', 'neglect'].map(
    wordStart,
  ),
  ...['bekymringsmelding', 'psykisk', 'mental'].map(wordStart),
  ...['syk', 'sjuk', 'ill', 'sick'].map(wholeWord),
];

/** Forms only nynorsk has: at least one is in every nynorsk template's own words. */
const nynorskForms = [
  'ikkje',
  'kva',
  'kven',
  'korleis',
  'skulen',
  'fråvær',
  'fråværet',
  'føresette',
  'kontaktlæraren',
  'helsesjukepleiaren',
  'saka',
  'frå',
  'dykk',
  'dykkar',
  'ein',
  'eit',
  'dei',
  'no',
  'leiinga',
  'avslutta',
  'vart',
  'ho',
  'krev',
  'treng',
  'trengst',
  'manglar',
  'ventar',
  'påminning',
  'skuleeigar',
  'tek',
  'kjem',
  'gje',
  'velkomen',
  'mogleg',
  'endra',
  'ligg',
  'leggje',
].map(wholeWord);
/** Bokmål forms that must not be left in a nynorsk message. */
const bokmalForms = [
  'ikke',
  'hva',
  'hvem',
  'hvordan',
  'hvis',
  'skolen',
  'fravær',
  'fraværet',
  'foresatte',
  'kontaktlærer',
  'helsesykepleier',
  'saken',
  'fra',
  'dere',
  'deres',
  'ledelsen',
  'hilsen',
  'vennlig',
  'mye',
  'bare',
  'hjemmet',
  'noen',
  'kommer',
  'sammen',
  'gjøre',
  'være',
  'mulig',
  'senest',
  'ansvarlig',
  'dager',
  'tiltakene',
  'ønsker',
  'påminnelse',
  'skoleeier',
  'en',
  'et',
  'meldingen',
  'velkommen',
  'ennå',
  'avsluttet',
  'endret',
  'ble',
  'mangler',
  'venter',
].map(wholeWord);

describe('every template in every language', () => {
  it.each(cases)('%s (%s) renders subject, text and SMS', (_name, language, key) => {
    const message = render(key, language);
    expect(message.language).toBe(language);
    for (const part of parts(message)) expect(part.trim()).not.toBe('');
    expect(message.text).toContain(context.schoolName);
    expect(message.text).toContain(context.contact.name);
    expect(message.text).toContain(context.contact.email);
    expect(message.text).toContain(context.contact.phone);
    expect(message.sms).toContain(context.schoolName);
    expect(message.sms).toContain(context.contact.phone);
  });

  it.each(cases)('%s (%s) fits one SMS with ordinary names, two with the longest context', (_name, language, key) => {
    expect(render(key, language).sms.length).toBeLessThanOrEqual(160);
    const long = render(key, language, longContext);
    expect(long.sms.length).toBeLessThanOrEqual(306);
    // Shortened or not, the SMS still says whom to contact and how.
    expect(long.sms).toContain('kari.marie');
  });

  it.each(cases)('%s (%s) has no word about health, child welfare or suspicion', (_name, language, key) => {
    for (const part of parts(render(key, language, { ...context, pupilFirstName: undefined }))) {
      for (const word of forbidden) expect({ part, match: word.exec(part)?.[0] }).toEqual({ part, match: undefined });
    }
  });
});

describe('staff, reminders, the school owner and tasks', () => {
  it.each(staffKeys.flatMap((key) => TEMPLATE_LANGUAGES.map((language) => [describeKey(key), language, key] as const)))(
    '%s (%s) gives the case reference, points to the system and never names the pupil',
    (_name, language, key) => {
      const message = render(key, language);
      expect(message.subject).toContain(context.caseReference);
      expect(message.text).toContain(context.caseReference);
      expect(message.sms).toContain(context.caseReference);
      expect(message.text).toMatch(/systemet|the system/);
      for (const part of parts(message)) expect(part).not.toContain('Ola');
    },
  );
});

describe('guardians', () => {
  it('names the pupil by first name when given, and "your child" otherwise', () => {
    const key: MessageTemplateKey = { kind: 'guardian', message: 'absence-without-notice' };
    expect(render(key, 'nb').text).toContain('Ola er ikke på skolen i dag');
    expect(render(key, 'en').text).toContain('Ola is not at school today');
    const withoutName = { ...context, pupilFirstName: undefined };
    expect(render(key, 'nb', withoutName).text).toContain('Barnet deres er ikke på skolen i dag');
    expect(render(key, 'nn', withoutName).text).toContain('Barnet dykkar er ikkje på skulen i dag');
    expect(render(key, 'en', withoutName).text).toContain('Your child is not at school today');
    expect(render({ kind: 'guardian', message: 'school-is-concerned' }, 'en', withoutName).text).toContain("Your child's absence");
    expect(render({ kind: 'guardian', message: 'school-is-concerned' }, 'en').text).toContain("Ola's absence");
  });

  it('closes a case on the reason the guardians confirmed without naming it', () => {
    const message = render({ kind: 'guardian', message: 'closed-for-illness' }, 'nb');
    expect(message.text).toContain('Dere har bekreftet årsaken til fraværet til Ola');
  });
});

describe('nynorsk', () => {
  it.each(allKeys.map((key) => [describeKey(key), key] as const))('%s is real nynorsk, not bokmål', (_name, key) => {
    const nn = render(key, 'nn');
    const nb = render(key, 'nb');
    expect(nn.subject).not.toBe(nb.subject);
    expect(nn.sms).not.toBe(nb.sms);
    // The template's own words (subject, what it is about, what happens next), without the frame.
    const [, body, next] = nn.text.split('\n\n');
    const own = [nn.subject, body, next].join(' ');
    const [, nbBody] = nb.text.split('\n\n');
    expect(body).not.toBe(nbBody);
    expect(nynorskForms.some((form) => form.test(own))).toBe(true);
    for (const part of parts(nn)) {
      for (const form of bokmalForms) expect({ part, match: form.exec(part)?.[0] }).toEqual({ part, match: undefined });
    }
  });
});

describe('dates and times', () => {
  const invitation = (changed: boolean): MessageTemplateKey => ({
    kind: 'meeting-invitation',
    meeting: 'cooperation-meeting',
    start: '2026-09-08T09:00',
    changed,
  });

  it('shows a meeting time as each language writes it, in subject, text and SMS', () => {
    const shown = {
      nb: 'tirsdag 8. september 2026 kl. 09.00',
      nn: 'tysdag 8. september 2026 kl. 09.00',
      en: 'Tuesday 8 September 2026 at 09:00',
    };
    for (const language of TEMPLATE_LANGUAGES) {
      for (const part of parts(render(invitation(false), language))) expect(part).toContain(shown[language]);
    }
  });

  it('says when a meeting has a new time, and that the calendar file replaces the last one', () => {
    const first = render(invitation(false), 'nb');
    const changed = render(invitation(true), 'nb');
    expect(first.subject).toMatch(/^Invitasjon: Samarbeidsmøte/);
    expect(changed.subject).toMatch(/^Ny tid for møtet: Samarbeidsmøte/);
    expect(changed.text).toContain('erstatter den forrige invitasjonen');
    expect(first.text).not.toContain('erstatter');
    expect(render(invitation(true), 'en').text).toContain('The new time is Tuesday 8 September 2026 at 09:00');
  });

  it('keeps the wall-clock time whatever time zone the process runs in (a summer-time gap too)', () => {
    const key: MessageTemplateKey = {
      kind: 'meeting-invitation',
      meeting: 'evaluation-meeting',
      start: '2026-03-29T02:30',
      changed: false,
    };
    expect(render(key, 'nb').subject).toContain('søndag 29. mars 2026 kl. 02.30');
  });

  it('shows the due date of a meeting call, and none without one', () => {
    const withDue = render({ kind: 'meeting-call', meeting: 'evaluation-meeting', dueDate: '2026-09-30' }, 'nn');
    expect(withDue.text).toContain('Møtet skal haldast seinast onsdag 30. september 2026.');
    expect(render({ kind: 'meeting-call', meeting: 'evaluation-meeting' }, 'nn').text).not.toContain('seinast');
    expect(render({ kind: 'meeting-call', meeting: 'evaluation-meeting', dueDate: '2026-09-30' }, 'en').text).toContain(
      'It must be held by Wednesday 30 September 2026.',
    );
  });

  it.each([
    ['2026-02-30T09:00', /møtetidspunkt \(start\) «2026-02-30T09:00» må være en gyldig dato på formen 2026-09-08T09:00/],
    ['2026-09-08 09:00', /møtetidspunkt \(start\) «2026-09-08 09:00»/],
    ['2026-09-08T24:00', /«2026-09-08T24:00»/],
    ['', /møtetidspunkt \(start\) «»/],
  ])('refuses the meeting time %j, naming the field and the value', (start, message) => {
    const key: MessageTemplateKey = { kind: 'meeting-invitation', meeting: 'evaluation-meeting', start, changed: false };
    expect(() => render(key, 'nb')).toThrow(TemplateInputError);
    expect(() => render(key, 'nb')).toThrow(message);
  });

  it('refuses a due date that is not yyyy-MM-dd', () => {
    expect(() => render({ kind: 'meeting-call', meeting: 'evaluation-meeting', dueDate: '30.09.2026' }, 'nb')).toThrow(
      /frist \(dueDate\) «30.09.2026» må være en gyldig dato på formen 2026-09-08/,
    );
  });
});

describe('context values are plain text', () => {
  const hostile: TemplateContext = {
    schoolName: 'Skole <b>A</b>\r\nBcc: alle@kommune.no',
    contact: { name: '<script>alert(1)</script>', email: 'kari@skole.no\nX-Header: 1', phone: '912\u202e34567' },
    pupilFirstName: 'Ola\n\nKlikk her: http://lenke',
    caseReference: '2026/17\r\n',
  };

  it.each(TEMPLATE_LANGUAGES)('keeps HTML as text and makes every value one line (%s)', (language) => {
    for (const key of [...guardianKeys, ...staffKeys.slice(0, 3), ...invitationKeys.slice(0, 2)]) {
      const message = render(key, language, hostile);
      expect(message.subject).not.toMatch(/[\r\n]/);
      expect(message.sms).not.toMatch(/[\r\n\u202e]/);
      expect(message.text).not.toMatch(/\r|\u202e/);
      expect(message.text).toContain('<script>alert(1)</script>');
      expect(message.text).toContain('Skole <b>A</b> Bcc: alle@kommune.no');
      expect(message.text).not.toMatch(/^Bcc:/m);
      expect(message.text).not.toMatch(/^X-Header/m);
      expect(message.text).not.toMatch(/^Klikk her/m);
    }
    expect(render(guardianKeys[1]!, language, hostile).text).toContain('Ola Klikk her: http://lenke');
  });

  it('refuses a context without a school, a contact name or a case reference', () => {
    const key = guardianKeys[0]!;
    expect(() => render(key, 'nb', { ...context, schoolName: ' \n ' })).toThrow(/skolenavn «.*» mangler eller er tomt/);
    expect(() => render(key, 'nb', { ...context, contact: { name: '' } })).toThrow(/kontaktpersonens navn «» mangler/);
    expect(() => render(key, 'nb', { ...context, caseReference: '' })).toThrow(/saksreferanse «» mangler/);
  });

  it('refuses a language or a message it has no template for', () => {
    expect(() => renderMessage(guardianKeys[0]!, 'uk' as 'nb', context)).toThrow(/språk "uk" har ingen meldingsmaler/);
    expect(() => renderMessage({ kind: 'guardian', message: 'x' as 'case-closed' }, 'nb', context)).toThrow(/"x" har ingen meldingsmal/);
  });
});

describe('templateLanguageFor', () => {
  it.each([
    ['English', { language: 'en' }, 'bokmal', { language: 'en', fallback: false }],
    ['English with a written standard', { language: 'EN', writtenStandard: 'nynorsk' }, 'nynorsk', { language: 'en', fallback: false }],
    ['Norwegian, nynorsk', { language: 'nb', writtenStandard: 'nynorsk' }, 'bokmal', { language: 'nn', fallback: false }],
    [
      'Norwegian, bokmål, in a nynorsk municipality',
      { language: 'nb', writtenStandard: 'bokmal' },
      'nynorsk',
      { language: 'nb', fallback: false },
    ],
    ['nn without a written standard', { language: 'nn' }, 'bokmal', { language: 'nn', fallback: false }],
    ['staff without a written standard', { language: 'nb' }, 'nynorsk', { language: 'nn', fallback: false }],
    ['staff without a written standard (bokmål)', { language: 'nb' }, 'bokmal', { language: 'nb', fallback: false }],
    ['Ukrainian', { language: 'uk' }, 'nynorsk', { language: 'nn', fallback: true }],
    ['Ukrainian with the import default', { language: 'uk', writtenStandard: 'bokmal' }, 'nynorsk', { language: 'nn', fallback: true }],
    ['Somali', { language: 'so' }, 'bokmal', { language: 'nb', fallback: true }],
  ] as const)('%s', (_name, person, municipality, expected) => {
    expect(templateLanguageFor(person, municipality)).toEqual(expected);
  });
});

describe('the tables are complete by type', () => {
  it('refuses a table without a language (checked by tsc)', () => {
    // @ts-expect-error a kind without nynorsk does not compile
    const table: TemplateTable<'a', string> = { a: { nb: 'x', en: 'y' } };
    expect(table.a.nb).toBe('x');
  });
});
