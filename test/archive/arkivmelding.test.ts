/**
 * The arkivmelding export (archive/arkivmelding.ts) on SQLite and PostgreSQL: the XML is well
 * formed (parsed by @xmldom/xmldom, which refuses a malformed document), in the arkivmelding
 * namespace, with one saksmappe, a journalpost per document and a dokumentobjekt per version;
 * every referanseDokumentfil is a copied file whose SHA-256 is the sjekksum beside it. Names come
 * from the resolver at export time; text that would break XML is escaped.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ArchiveStore } from '../../archive/archive-store';
import { ARKIVMELDING_NAMESPACE, exportArkivmelding, stableGuid } from '../../archive/arkivmelding';
import { contentKey } from '../../archive/content-files';
import { escapeXml } from '../../archive/xml';
import { testDatabases } from '../helpers/databases';
import { filing, pdf } from './fixtures';

const databases = testDatabases();
const dirs: string[] = [];
const newDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'arkivmelding-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const names: Record<string, string> = { A1: 'Kari Kontaktlærer', F1: 'Ola Nordmann & «Co»' };
const nameOf = async (id: string) => names[id];

/**
 * Parses strictly: any well-formedness error throws (warnings, e.g. about U+FFFD, do not).
 * xmldom lets a bare «&» and control characters through, so those are checked first.
 */
function parse(xml: string) {
  const bareAmpersand = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(xml);
  if (bareAmpersand) throw new Error(`XML: bare & at ${bareAmpersand.index}`);
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.exec(xml);
  if (control) throw new Error(`XML: control character at ${control.index}`);
  return new DOMParser({
    onError: (level, message) => {
      if (level !== 'warning') throw new Error(`XML ${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
}

/** The element children of `parent` named `name` (in the arkivmelding namespace). */
const children = (parent: Element, name: string): Element[] =>
  Array.from(parent.childNodes).filter(
    (n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ARKIVMELDING_NAMESPACE,
  );
const child = (parent: Element, name: string): Element => {
  const found = children(parent, name);
  if (found.length !== 1) throw new Error(`expected one <${name}> in <${parent.localName}>, found ${found.length}`);
  return found[0]!;
};
const textOf = (parent: Element, name: string) => child(parent, name).textContent;
/** The element names of `parent`'s children, in order. */
const order = (parent: Element) =>
  Array.from(parent.childNodes)
    .filter((n) => n.nodeType === 1)
    .map((n) => (n as Element).localName);

test('escaping: markup characters become entities; characters XML cannot hold become U+FFFD', () => {
  expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  expect(escapeXml('x\u0001y\tz')).toBe('x\ufffdy\tz');
  expect(() => parse(`<t>${escapeXml('<\u0002&\ud800>')}</t>`)).not.toThrow();
  // The check itself refuses what is not well formed.
  expect(() => parse('<t>a & b</t>')).toThrow();
  expect(() => parse('<t><u></t>')).toThrow();
  expect(() => parse('<t>\u0002</t>')).toThrow();
});

describe.each(databases)('$name', ({ open }) => {
  test('a case with two documents, one in two versions, closed: the XML and the copied files', async () => {
    const database = await open();
    const filesDir = await newDir();
    const store = new ArchiveStore(database, filesDir);
    const caseId = 'fravaerssak-S001-E1';
    const first = await store.fileDocument(filing('k1', { title: 'Tiltaksplan <utkast> & vedlegg' }));
    await store.addVersion(first.reference, pdf('versjon 2'), '2026-03-04T10:00:00.000Z', 'A2');
    await store.fileDocument(
      filing('k2', {
        documentKind: 'contact-log',
        title: 'Logg fra samtale med foresatte',
        entryType: 'incoming',
        documentDate: '2026-03-05',
        filedAt: '2026-03-05T13:00:00.000Z',
        parties: [
          { personId: 'F1', role: 'guardians', kind: 'sender' },
          { personId: 'X9', role: 'principal', kind: 'copy' },
        ],
      }),
    );
    await store.closeCaseFile(caseId, '2026-06-20T12:00:00.000Z');

    const target = path.join(await newDir(), 'eksport');
    const result = await exportArkivmelding(store, caseId, target, {
      system: 'skolefravaer',
      municipality: 'Testkommune',
      nameOf,
      now: () => new Date('2026-06-21T08:00:00.000Z'),
    });
    expect(result.xmlPath).toBe(path.join(target, 'arkivmelding.xml'));
    expect(result.files).toEqual(['1-1-v1.pdf', '1-1-v2.pdf', '2-1-v1.pdf'].map((f) => path.join(target, 'dokumenter', f)));
    expect((await readdir(path.join(target, 'dokumenter'))).sort()).toEqual(['1-1-v1.pdf', '1-1-v2.pdf', '2-1-v1.pdf']);

    const xml = await readFile(result.xmlPath, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const root = parse(xml).documentElement!;
    expect([root.localName, root.namespaceURI]).toEqual(['arkivmelding', ARKIVMELDING_NAMESPACE]);
    expect(order(root)).toEqual(['system', 'meldingId', 'tidspunkt', 'antallFiler', 'mappe']);
    expect(textOf(root, 'system')).toBe('skolefravaer');
    expect(textOf(root, 'tidspunkt')).toBe('2026-06-21T08:00:00.000Z');
    expect(textOf(root, 'antallFiler')).toBe('3');

    const mappe = child(root, 'mappe');
    expect(mappe.getAttributeNS(XSI, 'type')).toBe('saksmappe');
    expect(textOf(mappe, 'systemID')).toBe(stableGuid(`saksmappe:${caseId}`));
    expect(textOf(mappe, 'systemID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(textOf(mappe, 'mappeID')).toBe('2026/1');
    expect(textOf(mappe, 'tittel')).toBe('Oppfølging av skolefravær');
    expect(textOf(mappe, 'avsluttetDato')).toBe('2026-06-20T12:00:00.000Z');
    expect(textOf(mappe, 'saksaar')).toBe('2026');
    expect(textOf(mappe, 'sakssekvensnummer')).toBe('1');
    expect(textOf(mappe, 'saksdato')).toBe('2026-03-02');
    expect(textOf(mappe, 'administrativEnhet')).toBe('S001');
    expect(textOf(mappe, 'saksansvarlig')).toBe('Kari Kontaktlærer');
    expect(textOf(mappe, 'journalenhet')).toBe('Testkommune');
    expect(textOf(mappe, 'saksstatus')).toBe('Avsluttet');
    const skjerming = child(mappe, 'skjerming');
    expect(textOf(skjerming, 'tilgangsrestriksjon')).toBe('13');
    expect(textOf(skjerming, 'skjermingshjemmel')).toBe('Offl. § 13, jf. fvl. § 13');
    // The base type's elements (mappe) come before the extension's (saksmappe), as the schema orders them.
    const mappeOrder = order(mappe);
    expect(mappeOrder.lastIndexOf('basisregistrering')).toBeLessThan(mappeOrder.indexOf('saksaar'));

    const entries = children(mappe, 'basisregistrering');
    expect(entries.map((e) => e.getAttributeNS(XSI, 'type'))).toEqual(['journalpost', 'journalpost']);
    const [plan, log] = entries as [Element, Element];
    expect(textOf(plan, 'registreringsID')).toBe('2026/1-1');
    expect(textOf(plan, 'referanseForelderMappe')).toBe(textOf(mappe, 'systemID'));
    expect(textOf(plan, 'tittel')).toBe('Tiltaksplan <utkast> & vedlegg');
    expect(textOf(plan, 'journalaar')).toBe('2026');
    expect(textOf(plan, 'journalsekvensnummer')).toBe('1');
    expect(textOf(plan, 'journalpostnummer')).toBe('1');
    expect(textOf(plan, 'journalposttype')).toBe('Utgående dokument');
    expect(textOf(plan, 'journalstatus')).toBe('Journalført');
    expect(textOf(plan, 'journaldato')).toBe('2026-03-02');
    expect(textOf(plan, 'dokumentetsDato')).toBe('2026-03-02');
    expect(
      children(plan, 'korrespondansepart').map((p) => [textOf(p, 'korrespondanseparttype'), textOf(p, 'korrespondansepartNavn')]),
    ).toEqual([
      ['Avsender', 'Kari Kontaktlærer'],
      ['Mottaker', 'Ola Nordmann & «Co»'],
    ]);
    expect(textOf(log, 'journalposttype')).toBe('Inngående dokument');
    expect(textOf(log, 'journalpostnummer')).toBe('2');
    // A person the resolver does not know is named by their (pseudonymous) id.
    expect(
      children(log, 'korrespondansepart').map((p) => [textOf(p, 'korrespondanseparttype'), textOf(p, 'korrespondansepartNavn')]),
    ).toEqual([
      ['Avsender', 'Ola Nordmann & «Co»'],
      ['Kopimottaker', 'X9'],
    ]);

    const description = child(plan, 'dokumentbeskrivelse');
    expect(textOf(description, 'dokumenttype')).toBe('Tiltaksplan');
    expect(textOf(description, 'dokumentstatus')).toBe('Dokumentet er ferdigstilt');
    expect(textOf(description, 'tilknyttetRegistreringSom')).toBe('Hoveddokument');
    expect(textOf(description, 'dokumentnummer')).toBe('1');
    const objects = children(description, 'dokumentobjekt');
    expect(objects.map((o) => [textOf(o, 'versjonsnummer'), textOf(o, 'referanseDokumentfil'), textOf(o, 'opprettetAv')])).toEqual([
      ['1', 'dokumenter/1-1-v1.pdf', 'A1'],
      ['2', 'dokumenter/1-1-v2.pdf', 'A2'],
    ]);
    for (const o of [...objects, ...children(child(log, 'dokumentbeskrivelse'), 'dokumentobjekt')]) {
      expect(textOf(o, 'variantformat')).toBe('Arkivformat');
      expect(textOf(o, 'format')).toBe('fmt/477');
      expect(textOf(o, 'formatDetaljer')).toBe('PDF/A-2b');
      expect(textOf(o, 'sjekksumAlgoritme')).toBe('SHA-256');
      const file = await readFile(path.join(target, ...textOf(o, 'referanseDokumentfil')!.split('/')));
      expect(textOf(o, 'sjekksum')).toBe(createHash('sha256').update(file).digest('hex'));
      expect(textOf(o, 'filstoerrelse')).toBe(String(file.byteLength));
    }
  });

  test('an altered file, an unknown case and a folder that is not empty are refused; a failed export leaves nothing behind', async () => {
    const database = await open();
    const filesDir = await newDir();
    const store = new ArchiveStore(database, filesDir);
    const filed = await store.fileDocument(filing('k1'));
    await expect(exportArkivmelding(store, 'ukjent', path.join(await newDir(), 'x'), { system: 's' })).rejects.toThrow(
      'Saken «ukjent» har ingen saksmappe i arkivet.',
    );
    const busy = await newDir();
    await writeFile(path.join(busy, 'annet.txt'), 'x');
    await expect(exportArkivmelding(store, 'fravaerssak-S001-E1', busy, { system: 's' })).rejects.toThrow('er ikke tom');
    await writeFile(path.join(filesDir, ...contentKey(filed.checksum).split('/')), pdf('forfalsket'));
    const target = path.join(await newDir(), 'eksport');
    await expect(exportArkivmelding(store, 'fravaerssak-S001-E1', target, { system: 's' })).rejects.toThrow('sjekksummen stemmer ikke');
    // Nothing of the failed export is left: no target, no staging folder beside it.
    expect(await readdir(path.dirname(target))).toEqual([]);
  });
});
