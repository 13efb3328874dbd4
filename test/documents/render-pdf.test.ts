/**
 * Every document kind rendered, read back as text and checked by veraPDF as PDF/A-2b. veraPDF
 * runs once for all files (a JVM start costs seconds). A plain pdfkit file in the same run must
 * be refused, so the check itself is shown to bite.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { CONFIDENTIALITY_LINE, type CaseDocument, SIGNED_KINDS, documentTitle, renderDocumentPdf } from '../../documents/render-pdf';
import { DocumentFormError, choiceLabels, fieldLabels } from '../../documents/document-forms';
import { type DocumentKind, documentKindSchema } from '../../machines/vocabulary';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { type PdfAResult, validatePdfAFiles } from '../../scripts/lib/verapdf';
import { type PdfText, pdfTexts } from '../helpers/pdf-text';
import { sampleDocument, sampleFields, sampleHeader } from './sample-documents';

const kinds = documentKindSchema.options;
let dir: string;
const pdfs = new Map<DocumentKind, Buffer>();
let results: Map<string, PdfAResult>;

/** A long free text: flows over several pages. */
const longText = Array.from({ length: 250 }, (_, i) => `Setning ${i + 1}: eleven fortalte om skoledagen, venner og været på Ørland.`).join(
  ' ',
);
const longDocument: CaseDocument = sampleDocument('decision-note', {
  fields: { title: 'Lang begrunnelse', date: '2026-09-06', text: longText },
});

/** A pdfkit document as pdfkit makes it by default: Helvetica, no PDF/A parts. */
function plainPdf(): Promise<Buffer> {
  const pdf = new PDFDocument();
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  pdf.text('Referat fra samarbeidsmøte');
  pdf.end();
  return done;
}

/** Characters DejaVu Sans has no glyph for. */
const missingGlyphs = sampleDocument('health-note', {
  fields: { title: 'Tegn utenfor fonten', date: '2026-09-05', text: 'Kinesisk 漢字 i teksten.' },
});
const { pupil: _pupil, ...headerWithoutPupil } = sampleHeader;
const withoutPupil = sampleDocument('cooperation-agreement', { header: { ...headerWithoutPupil, participants: [] } });

const file = (name: string) => join(dir, `${name}.pdf`);
let texts: Map<string, PdfText>;
const textOf = (name: string): PdfText => texts.get(file(name)) as PdfText;

// Everything is rendered first, then veraPDF and the text extraction each run once for all files.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'documents-'));
  for (const kind of kinds) {
    const pdf = await renderDocumentPdf(sampleDocument(kind));
    pdfs.set(kind, pdf);
    writeFileSync(file(kind), pdf);
  }
  writeFileSync(file('long'), await renderDocumentPdf(longDocument));
  writeFileSync(file('missing-glyphs'), await renderDocumentPdf(missingGlyphs));
  writeFileSync(file('without-pupil'), await renderDocumentPdf(withoutPupil));
  writeFileSync(file('plain-pdfkit'), await plainPdf());
  writeFileSync(file('not-a-pdf'), 'Dette er ikke en PDF.');
  const names = [...kinds, 'long', 'missing-glyphs', 'without-pupil', 'plain-pdfkit'];
  [results, texts] = await Promise.all([validatePdfAFiles([...names, 'not-a-pdf'].map(file)), pdfTexts(names.map(file))]);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PDF/A-2b', () => {
  it.each(kinds)('veraPDF finds %s compliant', (kind) => {
    expect(results.get(file(kind))).toEqual({ compliant: true, failures: [] });
  });

  it('veraPDF finds a document of several pages compliant', () => {
    expect(results.get(file('long'))).toEqual({ compliant: true, failures: [] });
  });

  it('veraPDF refuses a plain pdfkit document, so the check can fail', () => {
    const plain = results.get(file('plain-pdfkit'));
    expect(plain?.compliant).toBe(false);
    // The font is not embedded and there is no XMP metadata: the two things PDF/A adds.
    expect(plain?.failures.join('\n')).toMatch(/6\.2\.11\.4\.1-1/);
    expect(plain?.failures.join('\n')).toMatch(/6\.6\.2\.1-1/);
  });

  it('a file veraPDF cannot parse is reported as not compliant, with the reason', () => {
    const broken = results.get(file('not-a-pdf'));
    expect(broken?.compliant).toBe(false);
    expect(broken?.failures).toEqual([expect.stringMatching(/^kunne ikke valideres: .*parse/)]);
  });

  it('a character the font lacks is printed as «?» and the document stays compliant', () => {
    expect(results.get(file('missing-glyphs'))).toEqual({ compliant: true, failures: [] });
    expect(textOf('missing-glyphs').text).toContain('Kinesisk ?? i teksten.');
  });

  it('a document without pupil and participants is compliant too', () => {
    expect(results.get(file('without-pupil'))).toEqual({ compliant: true, failures: [] });
  });
});

describe('content', () => {
  it.each(kinds)('%s shows the header, the title and the confidentiality line', (kind) => {
    const { text } = textOf(kind);
    expect(text).toContain(documentTitle(kind));
    for (const expected of [
      'Syntetisk kommune C',
      'Bjørkåsen skole',
      'Saksnummer: 2026/17',
      'Dato: 01.09.2026',
      'Elev: Siri Ås',
      'Trinn: 7. trinn',
      'Kari Ås, kontaktlærer',
      'Øystein Ærø, foresatt',
      'Åse Lien, rektor',
      CONFIDENTIALITY_LINE,
      'Side 1 av 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it.each(kinds)('%s shows every field under its Norwegian label', (kind) => {
    const { text } = textOf(kind);
    for (const [key, value] of Object.entries(sampleFields[kind])) {
      expect(text).toContain(fieldLabels[key]);
      for (const shown of printedValues(key, value)) expect(text).toContain(shown);
    }
  });

  it.each(kinds)('%s has signature lines exactly when the kind is signed', (kind) => {
    const { text } = textOf(kind);
    const lines = text.split('Dato og underskrift').length - 1;
    expect(lines).toBe(SIGNED_KINDS.has(kind) ? sampleHeader.participants.length : 0);
    expect(text.includes('Underskrifter')).toBe(SIGNED_KINDS.has(kind));
  });

  it('signed kinds are the agreement, the consent, the minutes and the measures plan', () => {
    expect([...SIGNED_KINDS].sort()).toEqual(['consent', 'cooperation-agreement', 'measures-plan', 'minutes']);
  });

  it('prints the values a reader needs in Norwegian', () => {
    const minutes = textOf('minutes').text;
    expect(minutes).toContain('Møtetype samarbeidsmøte');
    expect(minutes).toContain('Beslutning: Egen garderobe i gymtimene Ansvarlig: Åse Lien Frist: 08.09.2026');
    expect(textOf('evaluation').text).toContain('Samlet resultat bedre');
    expect(textOf('report-of-concern').text).toContain('Foresatte er orientert om meldingen Nei');
    const consent = textOf('consent').text;
    expect(consent).toContain('Tjeneste PP-tjenesten');
    expect(consent).toContain('Tilbaketrekking av samtykket Samtykket er frivillig.');
    expect(textOf('closing-note').text).toContain('fraværet har gått ned');
  });

  it('long text wraps and flows onto new pages, each with its page number and confidentiality line', () => {
    const { pages, text } = textOf('long');
    expect(pages).toBeGreaterThan(2);
    expect(text).toContain('Setning 1: eleven fortalte');
    expect(text).toContain('Setning 250: eleven fortalte om skoledagen, venner og været på Ørland.');
    for (let page = 1; page <= pages; page++) expect(text).toContain(`Side ${page} av ${pages}`);
    expect(text.split(CONFIDENTIALITY_LINE).length - 1).toBe(pages);
  });

  it('a document without a pupil or participants leaves those lines out', () => {
    const { text } = textOf('without-pupil');
    expect(text).not.toContain('Elev:');
    expect(text).not.toContain('Deltakere:');
    expect(text).not.toContain('Dato og underskrift');
  });
});

/** What the PDF shows for a sample value: dates as dd.MM.yyyy, choices by their Norwegian word. */
function printedValues(key: string, value: unknown): string[] {
  if (typeof value === 'boolean') return [value ? 'Ja' : 'Nei'];
  if (typeof value === 'string') {
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (date) return [`${date[3]}.${date[2]}.${date[1]}`];
    return [choiceLabels[key]?.[value] ?? value];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown) =>
      typeof item === 'object' && item !== null
        ? Object.entries(item).flatMap(([field, inner]) => printedValues(field, inner))
        : printedValues(key, item),
    );
  }
  return [];
}

describe('determinism', () => {
  it('the same document gives the same bytes, also from a copy that went through JSON', async () => {
    const doc = sampleDocument('measures-plan');
    const again = JSON.parse(JSON.stringify(doc)) as CaseDocument;
    expect((await renderDocumentPdf(again)).equals(pdfs.get('measures-plan') as Buffer)).toBe(true);
    expect((await renderDocumentPdf(doc)).equals(await renderDocumentPdf(doc))).toBe(true);
  });

  it('another process in another time zone gives the same bytes (a retried activity on another worker)', async () => {
    const script = [
      "const { renderDocumentPdf } = require('./documents/render-pdf.ts');",
      "const { sampleDocument } = require('./test/documents/sample-documents.ts');",
      "renderDocumentPdf(sampleDocument('minutes')).then((pdf) => process.stdout.write(pdf.toString('base64')));",
    ].join('\n');
    const output = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', '-e', script],
        { cwd: PROJECT_ROOT, env: { ...process.env, TZ: 'America/New_York' }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => (error ? fail(new Error(stderr || error.message)) : done(stdout)),
      ),
    );
    expect(Buffer.from(output, 'base64').equals(pdfs.get('minutes') as Buffer)).toBe(true);
  });

  it('the dates in the file are the header createdAt, not the clock', () => {
    const raw = (pdfs.get('minutes') as Buffer).toString('latin1');
    // The info dictionary's CreationDate and ModDate: the only dates in the file.
    expect(raw).toMatch(/\/CreationDate \d+ 0 R/);
    expect(raw).toMatch(/\/ModDate \d+ 0 R/);
    expect(raw.match(/\(D:\d{14}Z\)/g)).toEqual(['(D:20260901081500Z)', '(D:20260901081500Z)']);
    expect(raw).toContain('<xmp:CreateDate>2026-09-01T08:15:00Z</xmp:CreateDate>');
  });

  it('the file identifier tells apart two documents made at the same moment', () => {
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]{32})> <\1>\]/.exec(pdf.toString('latin1'))?.[1];
    const ids = kinds.map((kind) => id(pdfs.get(kind) as Buffer));
    expect(ids.every((value) => value !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(kinds.length);
  });

  it('another creation time gives another file', async () => {
    const later = await renderDocumentPdf(
      sampleDocument('minutes', { header: { ...sampleHeader, createdAt: '2026-09-02T10:15:00+02:00' } }),
    );
    expect(later.equals(pdfs.get('minutes') as Buffer)).toBe(false);
  });
});

describe('refusals', () => {
  it('a wrong field is refused in Norwegian, naming the field and the value', async () => {
    const doc = sampleDocument('minutes', { fields: { ...sampleFields.minutes, meetingDate: '01.09.2026' } });
    await expect(renderDocumentPdf(doc)).rejects.toThrow(DocumentFormError);
    await expect(renderDocumentPdf(doc)).rejects.toThrow(
      'Ugyldige felt i referat (minutes): meetingDate: må være en dato på formen åååå-mm-dd (fikk «01.09.2026»)',
    );
  });

  it('a bad header is refused in Norwegian, naming the field and the value', async () => {
    const doc = sampleDocument('minutes', { header: { ...sampleHeader, createdAt: 'i går' } });
    await expect(renderDocumentPdf(doc)).rejects.toThrow(
      /^Ugyldig dokumenthode: createdAt: må være et tidspunkt med tidssone.*\(fikk «i går»\)$/,
    );
  });
});
