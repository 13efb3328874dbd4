/**
 * A case document as a PDF/A-2b file, the format the archive takes for long-term keeping: every
 * font embedded (DejaVu, which has æ, ø and å), an sRGB output intent and XMP metadata, all of
 * which pdfkit writes when asked for the PDF/A-2b subset.
 *
 * The output is byte for byte the same for the same document: the dates in the file come from
 * the header, not the clock, and the file identifier is a hash of what the document says. A
 * retried activity therefore stores the same checksum, and the archive sees one version.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import PDFDocument from 'pdfkit';
import { documentNames } from '../machines/labels';
import type { DocumentKind } from '../machines/vocabulary';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { DocumentFormError, type DocumentForm, choiceLabels, documentFormSchemas, fieldLabels, parseDocumentForm } from './document-forms';
import { norwegianDayText } from '../app/oslo-time';

export interface CaseDocumentHeader {
  /** e.g. "Syntetisk kommune C". */
  municipality: string;
  school: string;
  /** The archive's case number (e.g. "2026/17"), or the case id before one is given. */
  caseReference: string;
  /** yyyy-MM-dd: the date the document is dated. */
  documentDate: string;
  /** ISO date-time: the PDF's creation and modification date (never the clock, see above). */
  createdAt: string;
  /** Who took part; `role` is the Norwegian role label. Signed kinds get a signature line each. */
  participants: { name: string; role: string }[];
  pupil?: { name: string; grade?: string };
}

export interface CaseDocument {
  kind: DocumentKind;
  /** Validated with parseDocumentForm. */
  fields: unknown;
  header: CaseDocumentHeader;
}

/** The kinds the participants sign: agreements and plans the home is a party to, consent and minutes. */
export const SIGNED_KINDS: ReadonlySet<DocumentKind> = new Set<DocumentKind>([
  'cooperation-agreement',
  'consent',
  'minutes',
  'measures-plan',
]);

/** The printed statement that the document is exempt from public access. */
export const CONFIDENTIALITY_LINE = 'Unntatt offentlighet, jf. offentleglova § 13 og forvaltningsloven § 13';

const name = z.string().trim().min(1).max(300);
const headerSchema = z.strictObject({
  municipality: name,
  school: name,
  caseReference: z.string().trim().min(1).max(100),
  documentDate: z.iso.date(),
  createdAt: z.iso.datetime({ offset: true }),
  participants: z.array(z.strictObject({ name, role: name })).max(50),
  pupil: z.strictObject({ name, grade: z.string().trim().min(1).max(20).optional() }).optional(),
});

/** The document's title: its kind's Norwegian name with a capital first letter. */
export function documentTitle(kind: DocumentKind): string {
  const title = documentNames[kind];
  return title.charAt(0).toLocaleUpperCase('nb-NO') + title.slice(1);
}

const FONT_DIR = `${require.resolve('dejavu-fonts-ttf/package.json').replace(/package\.json$/, '')}ttf/`;
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The two DejaVu Sans faces, read once per process. */
function fontFiles(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(`${FONT_DIR}DejaVuSans.ttf`),
    bold: readFileSync(`${FONT_DIR}DejaVuSans-Bold.ttf`),
  };
  return fonts;
}

const A4_MARGINS = { top: 64, bottom: 64, left: 56, right: 56 };
const GREY = '#444444';

/** dd.MM.yyyy, as Norwegian documents write a date; anything else is left as it is. */
function norwegianDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? norwegianDayText(value) : value;
}

type Font = { hasGlyphForCodePoint(codePoint: number): boolean };

/** Control characters but the line break (tabs are made spaces before this applies). */
// eslint-disable-next-line no-control-regex -- dropping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

/**
 * The text as the font can show it: control characters out (a line break stays), a character
 * the font has no glyph for becomes «?». PDF/A forbids showing the .notdef glyph, so a Chinese
 * name or a rare emoji in a free-text field would otherwise make the document non-compliant.
 */
function printable(font: Font, value: string): string {
  let out = '';
  const cleaned = value.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(CONTROL_CHARACTERS, '');
  for (const char of cleaned) {
    const codePoint = char.codePointAt(0) ?? 0;
    out += char === '\n' || font.hasGlyphForCodePoint(codePoint) ? char : '?';
  }
  return out;
}

/** The field's value as printed text: dates Norwegian, choices by their Norwegian word, yes/no. */
function valueText(key: string, value: string | boolean): string {
  if (typeof value === 'boolean') return value ? 'Ja' : 'Nei';
  return choiceLabels[key]?.[value] ?? norwegianDate(value);
}

/** The file identifier: a hash of what the document says, so the same document gets the same id. */
function fileId(kind: DocumentKind, form: DocumentForm, header: z.infer<typeof headerSchema>): Uint8Array {
  const canonical = JSON.stringify([kind, form, header]);
  return new Uint8Array(createHash('sha256').update(canonical).digest().subarray(0, 16));
}

function parseHeader(header: unknown): z.infer<typeof headerSchema> {
  const result = headerSchema.safeParse(header, parseOptions);
  if (result.success) return result.data;
  throw new DocumentFormError(`Ugyldig dokumenthode: ${describeIssues(result.error, '(hodet)', header).join('; ')}`);
}

/** Renders `doc` as PDF/A-2b; throws DocumentFormError when the fields or the header are invalid. */
export async function renderDocumentPdf(doc: CaseDocument): Promise<Buffer> {
  const form = parseDocumentForm(doc.kind, doc.fields);
  const header = parseHeader(doc.header);
  const created = new Date(header.createdAt);
  const title = documentTitle(doc.kind);

  const pdf = new PDFDocument({
    size: 'A4',
    margins: A4_MARGINS,
    subset: 'PDF/A-2b',
    pdfVersion: '1.7',
    lang: 'nb-NO',
    bufferPages: true,
    displayTitle: true,
    // Only the kind's name and fixed words: pdfkit copies these into the XMP without escaping.
    info: { Title: title, Creator: 'skolefravaer', Producer: 'skolefravaer (PDFKit)', CreationDate: created, ModDate: created },
  });
  // pdfkit derives the id from the info alone, which is the same for every document created at
  // the same moment; the document's own hash tells two documents apart and stays the same on a retry.
  (pdf as unknown as { _id: Uint8Array })._id = fileId(doc.kind, form, header);

  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const { regular, bold } = fontFiles();
  pdf.registerFont('regular', regular);
  pdf.registerFont('bold', bold);
  // The bold face covers a little less than the regular one: a character is kept only when both have it.
  const faces = (['bold', 'regular'] as const).map((face) => (pdf.font(face) as unknown as { _font: { font: Font } })._font.font);
  const both: Font = { hasGlyphForCodePoint: (codePoint) => faces.every((face) => face.hasGlyphForCodePoint(codePoint)) };
  const say = (value: string) => printable(both, value);

  writeHeading(pdf, say, title, header);
  writeFields(pdf, say, doc.kind, form);
  if (SIGNED_KINDS.has(doc.kind)) writeSignatures(pdf, say, header.participants);
  writePageFrames(pdf, say, header.caseReference);

  pdf.end();
  return finished;
}

type Say = (value: string) => string;

function label(pdf: PDFKit.PDFDocument, textValue: string, size = 10): void {
  pdf.font('bold').fontSize(size).fillColor('black').text(textValue);
}

function body(pdf: PDFKit.PDFDocument, textValue: string, options: PDFKit.Mixins.TextOptions = {}): void {
  pdf.font('regular').fontSize(10.5).fillColor('black').text(textValue, options);
}

function writeHeading(pdf: PDFKit.PDFDocument, say: Say, title: string, header: z.infer<typeof headerSchema>): void {
  pdf.font('bold').fontSize(11).fillColor(GREY).text(say(header.municipality));
  pdf.font('regular').fontSize(10.5).text(say(header.school));
  pdf.moveDown(1);
  pdf.font('bold').fontSize(18).fillColor('black').text(say(title));
  pdf.moveDown(0.5);

  const facts: [string, string][] = [
    ['Saksnummer', header.caseReference],
    ['Dato', norwegianDate(header.documentDate)],
  ];
  if (header.pupil) {
    facts.push(['Elev', header.pupil.name]);
    if (header.pupil.grade !== undefined) facts.push(['Trinn', header.pupil.grade]);
  }
  for (const [key, value] of facts) {
    pdf.font('bold').fontSize(10.5).text(`${key}: `, { continued: true }).font('regular').text(say(value));
  }
  if (header.participants.length > 0) {
    pdf.font('bold').fontSize(10.5).text('Deltakere:');
    for (const person of header.participants) {
      indented(pdf, 14, (width) => body(pdf, say(`${person.name}, ${person.role}`), { width }));
    }
  }
  pdf.moveDown(0.5);
  rule(pdf);
  pdf.moveDown(0.8);
}

function rule(pdf: PDFKit.PDFDocument): void {
  const y = pdf.y;
  pdf
    .moveTo(pdf.page.margins.left, y)
    .lineTo(pdf.page.width - pdf.page.margins.right, y)
    .lineWidth(0.5)
    .strokeColor(GREY)
    .stroke();
}

type Scalar = string | boolean;
type Item = Scalar | Record<string, Scalar | undefined>;

/** Each field in the order its form declares, under its Norwegian label. */
function writeFields(pdf: PDFKit.PDFDocument, say: Say, kind: DocumentKind, form: DocumentForm): void {
  const values = form as Record<string, Scalar | Item[] | undefined>;
  for (const key of Object.keys(documentFormSchemas[kind].shape)) {
    const value = values[key];
    if (value === undefined) continue;
    label(pdf, fieldLabels[key] ?? key);
    if (!Array.isArray(value)) {
      body(pdf, say(valueText(key, value)));
    } else if (value.length === 0) {
      body(pdf, 'Ingen');
    } else {
      value.forEach((item, index) => writeItem(pdf, say, key, item, index));
    }
    pdf.moveDown(0.7);
  }
}

/**
 * Text set in from the left margin by `offset`, every wrapped line too (pdfkit's own `indent`
 * moves the first line only); the cursor returns to the margin afterwards.
 */
function indented(pdf: PDFKit.PDFDocument, offset: number, write: (width: number) => void): void {
  const left = pdf.page.margins.left;
  pdf.x = left + offset;
  write(pdf.page.width - pdf.page.margins.right - pdf.x);
  pdf.x = left;
}

/** A list entry: a bullet for a plain value, a numbered block of labelled lines for an object. */
function writeItem(pdf: PDFKit.PDFDocument, say: Say, key: string, item: Item, index: number): void {
  if (typeof item !== 'object') {
    indented(pdf, 10, (width) => body(pdf, say(`•  ${valueText(key, item)}`), { width }));
    return;
  }
  indented(pdf, 10, (width) =>
    pdf
      .font('bold')
      .fontSize(10.5)
      .text(`${index + 1}.`, { width }),
  );
  for (const [field, value] of Object.entries(item)) {
    if (value === undefined) continue;
    indented(pdf, 24, (width) =>
      pdf
        .font('bold')
        .fontSize(10.5)
        .text(`${fieldLabels[field] ?? field}: `, { width, continued: true })
        .font('regular')
        .text(say(valueText(field, value))),
    );
  }
  pdf.moveDown(0.3);
}

/** A line to sign on per participant, each kept whole on one page. */
function writeSignatures(pdf: PDFKit.PDFDocument, say: Say, participants: { name: string; role: string }[]): void {
  if (participants.length === 0) return;
  const blockHeight = 72;
  pdf.moveDown(1);
  if (pdf.y + 20 + blockHeight > pdf.page.maxY()) pdf.addPage();
  label(pdf, 'Underskrifter', 12);
  for (const person of participants) {
    if (pdf.y + blockHeight > pdf.page.maxY()) pdf.addPage();
    const left = pdf.page.margins.left;
    const lineY = pdf.y + 32;
    pdf
      .moveTo(left, lineY)
      .lineTo(left + 260, lineY)
      .lineWidth(0.7)
      .strokeColor('black')
      .stroke();
    pdf
      .font('regular')
      .fontSize(9)
      .fillColor(GREY)
      .text('Dato og underskrift', left, lineY + 3);
    pdf
      .font('regular')
      .fontSize(10.5)
      .fillColor('black')
      .text(say(`${person.name}, ${person.role}`), left);
    pdf.moveDown(0.6);
  }
}

/** The confidentiality line above and the page number below every page's text. */
function writePageFrames(pdf: PDFKit.PDFDocument, say: Say, caseReference: string): void {
  const range = pdf.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    const { left, right, bottom } = pdf.page.margins;
    const width = pdf.page.width - left - right;
    // Writing below the bottom margin would make pdfkit open a new page; lift it while we write.
    pdf.page.margins.bottom = 0;
    pdf.font('bold').fontSize(8.5).fillColor(GREY).text(CONFIDENTIALITY_LINE, left, 32, { width, align: 'right', lineBreak: false });
    pdf
      .font('regular')
      .fontSize(8.5)
      .fillColor(GREY)
      .text(say(`Saksnr. ${caseReference}  ·  Side ${i + 1} av ${range.count}`), left, pdf.page.height - 40, {
        width,
        align: 'center',
        lineBreak: false,
      });
    pdf.page.margins.bottom = bottom;
  }
}
