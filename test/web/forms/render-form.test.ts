import { documentFormFields, eventFormFields } from '../../../web/forms/event-forms';
import type { FormField } from '../../../web/forms/form-fields';
import { fieldId, renderFields } from '../../../web/forms/render-form';
import { eventTypes } from '../../../machines/events';
import { documentKindSchema } from '../../../machines/vocabulary';

/**
 * The markup with the layout whitespace the source formatting puts in tags and between them taken
 * out (`<input\n  a="b"\n/>` → `<input a="b">`), so the tests read the structure; text content is kept.
 */
function normalize(markup: string): string {
  return markup.replace(/<[^>]*>/g, (tag) => tag.replace(/\s+/g, ' ').replace(/\s*\/?>$/, '>')).replace(/>\s+</g, '><');
}

const render = (...args: Parameters<typeof renderFields>) => normalize(renderFields(...args).value);

/** The opening tags of the inputs in `markup`. */
const inputTags = (markup: string) => markup.match(/<(input|textarea|select)\b[^>]*>/g) ?? [];
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const ids = (markup: string) => [...markup.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!);

/** Structural accessibility checks every rendered form must pass. */
function expectAccessible(markup: string): void {
  const allIds = ids(markup);
  expect(new Set(allIds).size).toBe(allIds.length);
  for (const id of allIds) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
  for (const tag of inputTags(markup)) {
    const id = attr(tag, 'id')!;
    expect(id).toBeDefined();
    expect(markup).toContain(`<label for="${id}">`);
    for (const described of (attr(tag, 'aria-describedby') ?? '').split(' ').filter(Boolean)) expect(allIds).toContain(described);
  }
  // Radio buttons and checkboxes always sit in a fieldset with a legend.
  const opened = (markup.match(/<fieldset\b/g) ?? []).length;
  expect((markup.match(/<legend>/g) ?? []).length).toBe(opened);
  expect((markup.match(/<\/fieldset>/g) ?? []).length).toBe(opened);
  expect(markup).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
}

describe('renderFields: accessible inputs', () => {
  it.each(eventTypes)('%s: every input is labelled, ids are unique and valid', (type) => {
    expectAccessible(render(eventFormFields(type), { prefix: 'hendelse.' }));
  });

  it.each(documentKindSchema.options)('%s: every input is labelled, ids are unique and valid', (kind) => {
    expectAccessible(render(documentFormFields(kind), { prefix: 'dokument.' }));
  });

  it('marks required inputs for the browser and assistive technology, and optional ones in the label', () => {
    const markup = render(eventFormFields('guardians.contacted'), { prefix: 'e.' });
    const note = inputTags(markup).find((t) => attr(t, 'name') === 'e.causeNote')!;
    expect(note).not.toMatch(/required/);
    expect(markup).toContain('Merknad om årsaken (valgfritt)');
    const date = render(eventFormFields('measures.agreed'), { prefix: 'e.' });
    const evaluation = inputTags(date).find((t) => attr(t, 'name') === 'e.evaluationDate')!;
    expect(evaluation).toMatch(/type="date"/);
    expect(evaluation).toMatch(/ required aria-required="true"/);
    // Channels are few: radio buttons in a fieldset with the field's label as legend.
    expect(markup).toMatch(/<fieldset[^>]*id="e-channel"[^>]*><legend>Hvordan foresatte ble kontaktet<\/legend>/);
    expect(markup).toMatch(/<input type="radio" id="e-channel-0" name="e.channel" value="phone" required>/);
  });

  it('shows a long choice as a select with an empty first option, a list of roles as checkboxes', () => {
    const markup = render(eventFormFields('meeting.scheduled'), { prefix: 'e.' });
    expect(markup).toMatch(
      /<select id="e-meeting" name="e.meeting" required aria-required="true"><option value="" selected>Velg …<\/option>/,
    );
    expect(markup).toMatch(/<input type="checkbox" id="e-participants-0" name="e.participants" value="contact-teacher">/);
    expect(markup).toContain('<input type="datetime-local" id="e-scheduledFor"');
  });

  it('ties an error to its input: aria-invalid, aria-describedby and the message beside it', () => {
    const fields = eventFormFields('absence.noticeMissing');
    const markup = render(fields, {
      prefix: 'e.',
      values: { schoolDaysWithoutNotice: 'tre' },
      errors: { schoolDaysWithoutNotice: 'Skoledager uten melding: må være et tall (fikk «tre»)' },
    });
    const input = inputTags(markup).find((t) => attr(t, 'name') === 'e.schoolDaysWithoutNotice')!;
    expect(input).toContain('aria-invalid="true"');
    expect(attr(input, 'aria-describedby')).toBe('e-schoolDaysWithoutNotice-feil');
    expect(attr(input, 'value')).toBe('tre');
    expect(attr(input, 'inputmode')).toBe('numeric');
    expect(markup).toContain(
      '<p class="form-error" id="e-schoolDaysWithoutNotice-feil"><span class="visually-hidden">Feil: </span>Skoledager uten melding: må være et tall (fikk «tre»)</p>',
    );
    const other = inputTags(markup).find((t) => attr(t, 'name') === 'e.firstDay')!;
    expect(other).not.toContain('aria-invalid');
  });

  it('ties a hint to its input, and an error on a checkbox list to the fieldset', () => {
    const markup = render(eventFormFields('measures.agreed'), {
      prefix: 'e.',
      errors: { 'measures.1': 'Tiltak, punkt 2: kan ikke være tom' },
    });
    const measures = inputTags(markup).find((t) => attr(t, 'name') === 'e.measures')!;
    expect(attr(measures, 'aria-describedby')).toBe('e-measures-hint e-measures-feil');
    expect(markup).toContain('<p class="form-hint" id="e-measures-hint">Ett punkt per linje.</p>');
    const staff = render(eventFormFields('staff.informed'), {
      prefix: 'e.',
      errors: { recipients: 'Hvem som ble informert: si hvem som ble informert' },
    });
    expect(staff).toMatch(/<fieldset class="form-field form-field--error" id="e-recipients" aria-describedby="e-recipients-feil">/);
    expect(staff).toMatch(/type="checkbox"[^>]*aria-invalid="true"/);
  });

  it('fills values back in after a refused submit: ja/nei, checkboxes, lists, Oslo time, rows', () => {
    const cooperation = render(eventFormFields('cooperationAgreement.signed'), {
      prefix: '',
      values: { hasPlanB: false, signedBy: ['principal', 'guardians'], evaluationDate: '2026-10-01' },
    });
    expect(cooperation).toMatch(/name="hasPlanB" value="nei" checked/);
    expect(cooperation).not.toMatch(/name="hasPlanB" value="ja" checked/);
    expect(cooperation).toMatch(/name="signedBy" value="principal" checked/);
    expect(cooperation).toMatch(/name="signedBy" value="guardians" checked/);
    expect(cooperation).not.toMatch(/name="signedBy" value="pupil" checked/);
    const scheduled = render(eventFormFields('meeting.scheduled'), {
      prefix: '',
      values: { scheduledFor: '2026-12-02T09:00:00Z', meeting: 'evaluation-meeting' },
    });
    expect(scheduled).toMatch(/type="datetime-local"[^>]*value="2026-12-02T10:00"/);
    expect(scheduled).toMatch(/<option value="evaluation-meeting" selected>Evalueringsmøte<\/option>/);
    const raw = render(eventFormFields('meeting.scheduled'), { prefix: '', values: { scheduledFor: '2026-03-29T02:30' } });
    expect(raw).toMatch(/value="2026-03-29T02:30"/);
    const measures = render(eventFormFields('measures.agreed'), { prefix: '', values: { measures: ['En', 'To'] } });
    expect(measures).toMatch(/<textarea [^>]*name="measures"[^>]*>En\nTo<\/textarea>/);
    const minutes = render(documentFormFields('minutes'), {
      prefix: 'd.',
      values: { agenda: [{ topic: 'A' }, { topic: 'B' }, { topic: 'C', discussion: 'Drøftet' }] },
      errors: { 'agenda.2.topic': 'Saker, rad 3, Sak: for lang' },
    });
    // Three rows filled: a fourth, empty one to add to.
    expect(minutes).toMatch(/name="d.agenda.3.topic" value=""/);
    expect(minutes).not.toMatch(/name="d.agenda.4.topic"/);
    expect(minutes).toMatch(
      /id="d-agenda-2-topic" name="d.agenda.2.topic" aria-invalid="true" aria-describedby="d-agenda-2-topic-feil" value="C"/,
    );
    expect(minutes).toMatch(/<textarea id="d-agenda-2-discussion" name="d.agenda.2.discussion"[^>]*>Drøftet<\/textarea>/);
  });

  it('requires the inputs of only as many rows as the list needs at least', () => {
    const markup = render(documentFormFields('minutes'), { prefix: '' });
    expect(inputTags(markup).find((t) => attr(t, 'name') === 'agenda.0.topic')).toMatch(/required/);
    expect(inputTags(markup).find((t) => attr(t, 'name') === 'agenda.1.topic')).not.toMatch(/required/);
    expect(inputTags(markup).find((t) => attr(t, 'name') === 'decisions.0.decision')).not.toMatch(/required/);
  });

  it('prefills a default text, and never turns a typed value into markup', () => {
    const consent = render(documentFormFields('consent'), { prefix: '' });
    expect(consent).toMatch(/name="withdrawalNote"[^>]*>Samtykket er frivillig/);
    const attack = '"><script>alert(1)</script>';
    const markup = render(eventFormFields('case.closed'), {
      prefix: '',
      values: { note: attack, reason: attack },
      errors: { note: `Merknad: feil (fikk «${attack}»)` },
    });
    expect(markup).not.toContain('<script>');
    expect(markup).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    const line: FormField = { kind: 'text', name: 'x', label: 'X', required: true, optional: false, multiline: false };
    expect(render([line], { prefix: '', values: { x: attack } })).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('derives valid ids from prefix and name', () => {
    expect(fieldId('hendelse.', 'agenda.0.topic')).toBe('hendelse-agenda-0-topic');
    expect(fieldId('', 'x')).toBe('x');
    expect(fieldId('1.', 'x')).toBe('f-1-x');
  });
});
