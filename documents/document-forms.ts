/**
 * What each kind of case document says: one zod schema per document kind, with the Norwegian
 * label of every field and of every choice, which the PDF prints beside the value. The fields
 * follow what the municipalities' procedures ask each step to record (contact with the home,
 * mapping, measures, agreement, evaluation, referral, consent, report of concern, closing).
 *
 * Who took part and who signs is not a form field: it is the document's header (render-pdf.ts),
 * the same for every kind. Objects are strict, so a misspelt field is refused rather than lost.
 */
import { z } from 'zod';
import { closingReasonNames, documentNames, meetingNames, serviceNames } from '../machines/labels';
import { type DocumentKind, documentKindSchema, meetingKindSchema, serviceSchema } from '../machines/vocabulary';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { NamedError } from '../app/named-error';

/** A document's free text: long enough for a meeting's minutes, short enough to stay a document. */
const MAX_TEXT = 20_000;
/** A short answer: a name, a responsible person, a time. */
const MAX_SHORT = 500;

const text = z.string().trim().min(1).max(MAX_TEXT);
const shortText = z.string().trim().min(1).max(MAX_SHORT);
const date = z.iso.date();
/** A list the document prints as bullet points; at least one, or the field would say nothing. */
const textList = z.array(text).min(1).max(50);

/** How the conversation with the home took place. */
export const contactChannelSchema = z.enum(['phone', 'meeting', 'digital-meeting', 'home-visit', 'message']);
/** How the measures went, as the evaluation concludes. */
export const outcomeSchema = z.enum(['better', 'unchanged', 'worse']);
/** How the pupil's view was gathered. */
export const pupilVoiceSourceSchema = z.enum(['pupil-conversation', 'trusted-adult', 'written-by-pupil']);
export const closingReasonSchema = z.enum(
  Object.keys(closingReasonNames) as [keyof typeof closingReasonNames, ...(keyof typeof closingReasonNames)[]],
);

/** The note form the kinds without a form of their own share. */
const genericNote = z.strictObject({
  title: shortText,
  date,
  text,
});

const contactLog = z.strictObject({
  conversationDate: date,
  channel: contactChannelSchema,
  summary: text,
  guardiansView: text.optional(),
  agreed: text,
  nextStep: text,
  nextContactDate: date.optional(),
});

const minutes = z.strictObject({
  meetingKind: meetingKindSchema,
  meetingDate: date,
  agenda: z
    .array(z.strictObject({ topic: shortText, discussion: text.optional() }))
    .min(1)
    .max(50),
  decisions: z.array(z.strictObject({ decision: text, responsible: shortText, deadline: date })).max(50),
  nextMeetingDate: date.optional(),
});

const mappingForm = z.strictObject({
  absencePattern: text,
  startedWhen: text,
  schoolSituation: text,
  socialSituation: text,
  healthAsGuardiansDescribe: text,
  homeSituation: text.optional(),
  pupilView: text,
  whatHelps: text,
  otherNotes: text.optional(),
});

const psychosocialMapping = z.strictObject({
  classEnvironment: text,
  relationsToPeers: text,
  relationsToAdults: text,
  bullyingOrExclusion: text,
  safetyDuringBreaks: text,
  pupilView: text,
  followUp: text,
});

const measure = z.strictObject({ measure: text, responsible: shortText, when: shortText });

const measuresPlan = z.strictObject({
  goal: text,
  measures: z.array(measure).min(1).max(50),
  evaluationDate: date,
});

const cooperationAgreement = z.strictObject({
  goal: text,
  pupilMeasures: textList,
  schoolMeasures: textList,
  homeMeasures: textList,
  planB: text,
  evaluationDate: date,
});

const evaluation = z.strictObject({
  evaluationDate: date,
  absenceSinceLast: text.optional(),
  measuresEvaluated: z
    .array(z.strictObject({ measure: text, assessment: text }))
    .min(1)
    .max(50),
  outcome: outcomeSchema,
  nextStep: text,
  nextEvaluationDate: date.optional(),
});

const pupilVoice = z.strictObject({
  conversationDate: date,
  source: pupilVoiceSourceSchema,
  pupilDescription: text,
  pupilWishes: text,
});

const consent = z.strictObject({
  service: serviceSchema,
  consentGivenBy: z.array(shortText).min(1).max(10),
  scope: text,
  validUntil: date.optional(),
  withdrawalNote: text.default(
    'Samtykket er frivillig. Det kan trekkes tilbake når som helst ved å gi beskjed til skolen; opplysninger som er delt før det, blir ikke hentet tilbake.',
  ),
});

const referral = z.strictObject({
  service: serviceSchema,
  reason: text,
  triedMeasures: textList,
  expectations: text.optional(),
  consentReference: shortText,
});

const reportOfConcern = z
  .strictObject({
    concern: text,
    observations: text,
    absenceSummary: text,
    measuresTried: text,
    guardiansInformed: z.boolean(),
    guardiansNotInformedReason: text.optional(),
  })
  .refine((form) => form.guardiansInformed || form.guardiansNotInformedReason !== undefined, {
    path: ['guardiansNotInformedReason'],
    error: 'mangler: når foresatte ikke er orientert om meldingen, skal grunnen stå her',
  });

const closingNote = z.strictObject({
  closingReason: closingReasonSchema,
  caseSummary: text,
  absenceAtClosing: text,
  approvedBy: shortText,
  followUpAfterClosing: text.optional(),
});

export const documentFormSchemas = {
  'contact-log': contactLog,
  minutes,
  'mapping-form': mappingForm,
  'psychosocial-mapping': psychosocialMapping,
  'measures-plan': measuresPlan,
  'cooperation-agreement': cooperationAgreement,
  evaluation,
  'pupil-voice': pupilVoice,
  consent,
  referral,
  'report-of-concern': reportOfConcern,
  'school-owner-notice': genericNote,
  'closing-note': closingNote,
  'absence-notice': genericNote,
  'suspicion-note': genericNote,
  'health-note': genericNote,
  'decision-note': genericNote,
} satisfies Record<DocumentKind, z.ZodType>;

export type DocumentForms = { [K in DocumentKind]: z.output<(typeof documentFormSchemas)[K]> };
export type DocumentForm = DocumentForms[DocumentKind];

/**
 * The Norwegian label of every field name any form uses, nested ones (a decision's deadline)
 * included. A field means the same wherever it appears, so one table serves all kinds; a test
 * checks that every field of every schema has its label.
 */
export const fieldLabels: Record<string, string> = {
  title: 'Tittel',
  date: 'Dato',
  text: 'Tekst',
  conversationDate: 'Dato for samtalen',
  channel: 'Kanal',
  summary: 'Hva samtalen handlet om',
  guardiansView: 'Foresattes syn på fraværet',
  agreed: 'Hva som ble avtalt',
  nextStep: 'Neste steg',
  nextContactDate: 'Dato for neste kontakt',
  meetingKind: 'Møtetype',
  meetingDate: 'Møtedato',
  agenda: 'Saker',
  topic: 'Sak',
  discussion: 'Drøfting',
  decisions: 'Beslutninger og avtaler',
  decision: 'Beslutning',
  responsible: 'Ansvarlig',
  deadline: 'Frist',
  nextMeetingDate: 'Dato for neste møte',
  absencePattern: 'Fraværsmønster',
  startedWhen: 'Når fraværet startet',
  schoolSituation: 'Skolesituasjon (faglig)',
  socialSituation: 'Sosial situasjon',
  healthAsGuardiansDescribe: 'Helse, slik foresatte beskriver den',
  homeSituation: 'Situasjonen hjemme',
  pupilView: 'Elevens eget syn',
  whatHelps: 'Hva som hjelper',
  otherNotes: 'Andre merknader',
  classEnvironment: 'Klassemiljøet',
  relationsToPeers: 'Forholdet til medelever',
  relationsToAdults: 'Forholdet til de voksne på skolen',
  bullyingOrExclusion: 'Mobbing eller utestenging',
  safetyDuringBreaks: 'Trygghet i friminutt og på skoleveien',
  followUp: 'Videre oppfølging',
  goal: 'Mål',
  measures: 'Tiltak',
  measure: 'Tiltak',
  when: 'Når',
  evaluationDate: 'Dato for evaluering',
  pupilMeasures: 'Elevens tiltak',
  schoolMeasures: 'Skolens tiltak',
  homeMeasures: 'Hjemmets tiltak',
  planB: 'Plan B (hvis tiltakene ikke virker)',
  absenceSinceLast: 'Fraværet siden forrige møte',
  measuresEvaluated: 'Tiltakene som er evaluert',
  assessment: 'Vurdering',
  outcome: 'Samlet resultat',
  nextEvaluationDate: 'Dato for neste evaluering',
  source: 'Hvordan elevens stemme er hentet inn',
  pupilDescription: 'Elevens beskrivelse',
  pupilWishes: 'Hva eleven ønsker',
  service: 'Tjeneste',
  consentGivenBy: 'Samtykke gitt av',
  scope: 'Hva samtykket gjelder',
  validUntil: 'Gyldig til',
  withdrawalNote: 'Tilbaketrekking av samtykket',
  reason: 'Grunnen til henvisningen',
  triedMeasures: 'Hva som er prøvd',
  expectations: 'Hva skolen ønsker fra tjenesten',
  consentReference: 'Samtykke (referanse)',
  concern: 'Hva bekymringen gjelder',
  observations: 'Hva skolen har observert',
  absenceSummary: 'Fraværet',
  measuresTried: 'Hva skolen har gjort',
  guardiansInformed: 'Foresatte er orientert om meldingen',
  guardiansNotInformedReason: 'Hvorfor foresatte ikke er orientert',
  closingReason: 'Grunnen til at saken avsluttes',
  caseSummary: 'Oppsummering av saken',
  absenceAtClosing: 'Fraværet ved avslutning',
  approvedBy: 'Godkjent av',
  followUpAfterClosing: 'Oppfølging etter avslutning',
};

/** The Norwegian words for the values of the fields that are a choice. */
export const choiceLabels: Record<string, Record<string, string>> = {
  channel: {
    phone: 'telefon',
    meeting: 'møte på skolen',
    'digital-meeting': 'digitalt møte',
    'home-visit': 'hjemmebesøk',
    message: 'skriftlig melding',
  } satisfies Record<z.infer<typeof contactChannelSchema>, string>,
  outcome: { better: 'bedre', unchanged: 'uendret', worse: 'verre' } satisfies Record<z.infer<typeof outcomeSchema>, string>,
  source: {
    'pupil-conversation': 'samtale med eleven',
    'trusted-adult': 'gjennom en voksen eleven er trygg på',
    'written-by-pupil': 'skrevet av eleven selv',
  } satisfies Record<z.infer<typeof pupilVoiceSourceSchema>, string>,
  meetingKind: meetingNames,
  service: serviceNames,
  closingReason: closingReasonNames,
};

/** Thrown when a document's fields do not fit its kind's form; the message names each field and value. */
export class DocumentFormError extends NamedError {}

/** The fields of a `kind` document, validated; throws DocumentFormError naming each bad field and its value. */
export function parseDocumentForm<K extends DocumentKind>(kind: K, fields: unknown): DocumentForms[K];
export function parseDocumentForm(kind: DocumentKind, fields: unknown): DocumentForm {
  const known = documentKindSchema.safeParse(kind);
  if (!known.success) {
    throw new DocumentFormError(`Ukjent dokumenttype «${String(kind)}». Kjente typer: ${documentKindSchema.options.join(', ')}.`);
  }
  const schema: z.ZodType = documentFormSchemas[known.data];
  const result = schema.safeParse(fields, parseOptions);
  if (result.success) return result.data as DocumentForm;
  const problems = describeIssues(result.error, '(feltene)', fields);
  throw new DocumentFormError(`Ugyldige felt i ${documentNames[known.data]} (${kind}): ${problems.join('; ')}`);
}
