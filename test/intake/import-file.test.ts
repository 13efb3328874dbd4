/**
 * Importing is idempotent by registration key (school + pupil + date + kind): the same file twice
 * changes nothing, a corrected row updates, one school's rows never replace another school's, rows
 * for schools outside the school directory are refused, and the database store (SQLite here; the
 * store's own tests run on PostgreSQL too) survives being reopened. The CLI speaks Norwegian and
 * exits with the codes of app/exit-codes.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { EXIT as INTAKE_EXIT, runCli } from '../../cli/intake';
import type { TemporalAccess } from '../../detection/detect-and-deliver';
import { importFile } from '../../intake/import-file';
import { InMemoryRegistrationStore, SqlRegistrationStore } from '../../intake/registration-store';
import { type AppDatabase, openMigratedDatabase } from '../../app/database/database';

const header = 'elev;skole;trinn;dato;heldag;timer;minutter;gyldig;meldt;forsent;gikk;årsak;merknad';
const rows = [
  'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;',
  'e1;s1;5;04.09.2026;nei;;20;nei;nei;ja;nei;UKJENT;',
  'e2;s2;9;03.09.2026;ja;;;nei;nei;nei;nei;UKJENT;',
];
const known = new Set(['s1', 's2', 's3']);

let dir: string;
const opened: AppDatabase[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'intake-'));
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close()));
  await rm(dir, { recursive: true, force: true });
});

/** The test's database: an SQLite file in its temp folder. */
const dbUrl = () => `sqlite:${path.join(dir, 'skole.sqlite')}`;

/** The registrations in the test's database, as a new process would open them. */
async function sqlStore(): Promise<SqlRegistrationStore> {
  const database = await openMigratedDatabase(dbUrl());
  opened.push(database);
  return new SqlRegistrationStore(database);
}

async function writeCsv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${[header, ...lines].join('\n')}\n`, 'utf8');
  return file;
}

/** A school directory with the given schools, all following procedure C, calendar 2026. */
async function writeDirectory(schoolIds: readonly string[], name = 'skoler.json'): Promise<string> {
  const file = path.join(dir, name);
  const calendar = { municipality: 'Testkommune', firstYear: 2025, lastYear: 2027 };
  await writeFile(
    file,
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar } },
      schools: schoolIds.map((schoolId) => ({ schoolId, name: `Skole ${schoolId}`, municipality: 'test' })),
    }),
    'utf8',
  );
  return file;
}

test('re-importing the same file inserts nothing and reports every row unchanged', async () => {
  const file = await writeCsv('a.csv', rows);
  const store = new InMemoryRegistrationStore();
  expect(await importFile(file, store, known)).toMatchObject({ rowsRead: 3, kept: 3, inserted: 3, updated: 0, unchanged: 0 });
  expect(await importFile(file, store, known)).toMatchObject({ rowsRead: 3, kept: 3, inserted: 0, updated: 0, unchanged: 3 });
  expect(await store.count()).toBe(3);
});

test('a corrected row updates the stored registration instead of adding one', async () => {
  const store = new InMemoryRegistrationStore();
  await importFile(await writeCsv('a.csv', rows), store, known);
  const corrected = await writeCsv('b.csv', [rows[0]!.replace(';ja;ja;nei;nei;SYK;', ';ja;ja;nei;nei;LEGE;Tannlege'), rows[1]!, rows[2]!]);
  expect(await importFile(corrected, store, known)).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
  expect(await store.byPupil('e1')).toEqual([
    expect.objectContaining({ date: '2026-09-03', reasonCode: 'LEGE', note: 'Tannlege' }),
    expect.objectContaining({ date: '2026-09-04', lateArrival: true, minutes: 20 }),
  ]);
});

test('the database store reads back what it stored after reopening, school by school', async () => {
  const file = await writeCsv('a.csv', rows);
  expect(await importFile(file, await sqlStore(), known)).toMatchObject({ inserted: 3 });
  const reopened = await sqlStore();
  expect(await reopened.count()).toBe(3);
  expect(await reopened.schoolIds()).toEqual(['s1', 's2']);
  expect(await importFile(file, reopened, known)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  expect(await reopened.bySchool('s2')).toEqual([expect.objectContaining({ pupilId: 'e2' })]);
});

describe('[issue 10 point 3] the same pupil, date and kind at two schools', () => {
  test('a second school\u2019s import keeps the first school\u2019s row, in memory and on disk, and reports the conflict', async () => {
    const store = await sqlStore();
    await importFile(await writeCsv('a.csv', [rows[0]!]), store, known);
    const second = await importFile(await writeCsv('b.csv', [rows[2]!, rows[0]!.replace(';s1;', ';s2;')]), store, known);
    expect(second).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(second.conflicts).toEqual([
      { pupilId: 'e1', date: '2026-09-03', kind: 'whole-day', rows: [{ schoolId: 's2', line: 3 }, { schoolId: 's1' }] },
    ]);
    const reopened = await sqlStore();
    expect(await reopened.bySchool('s1')).toEqual([expect.objectContaining({ pupilId: 'e1', date: '2026-09-03' })]);
    expect(await reopened.bySchool('s2')).toEqual([expect.objectContaining({ pupilId: 'e1' }), expect.objectContaining({ pupilId: 'e2' })]);
    expect(await reopened.byPupil('e1')).toHaveLength(2);
  });

  test('within one file both rows are kept and the conflict names both lines; another kind the same day is no conflict', async () => {
    const store = new InMemoryRegistrationStore();
    const summary = await importFile(
      await writeCsv('a.csv', [
        rows[0]!, // 2: s1
        rows[1]!, // 3: s1 late arrival on 04.09
        rows[0]!.replace(';s1;', ';s2;'), // 4: s2, same day and kind as line 2
        'e1;s3;5;03.09.2026;nei;;10;ja;ja;ja;nei;LEGE;', // 5: s3, a late arrival: another kind
        rows[0]!.replace(';s1;', ';s3;'), // 6: s3, same day and kind as lines 2 and 4
      ]),
      store,
      known,
    );
    expect(summary).toMatchObject({ rowsRead: 5, kept: 5, inserted: 5 });
    expect(summary.conflicts).toEqual([
      {
        pupilId: 'e1',
        date: '2026-09-03',
        kind: 'whole-day',
        rows: [
          { schoolId: 's1', line: 2 },
          { schoolId: 's2', line: 4 },
          { schoolId: 's3', line: 6 },
        ],
      },
    ]);
    // Re-importing the same file reports the same conflict once, not again against the stored copies.
    expect((await importFile(await writeCsv('a2.csv', [rows[0]!, rows[0]!.replace(';s1;', ';s2;')]), store, known)).conflicts).toEqual([
      {
        pupilId: 'e1',
        date: '2026-09-03',
        kind: 'whole-day',
        rows: [{ schoolId: 's1', line: 2 }, { schoolId: 's2', line: 3 }, { schoolId: 's3' }],
      },
    ]);
  });

  test('through the CLI: both schools keep their rows, and the summary names the conflict in Norwegian with its line', async () => {
    const config = await writeDirectory(['s1', 's2']);
    const run = async (file: string) => {
      const out: string[] = [];
      const code = await runCli(['import', file, '--database', dbUrl(), '--schools-config', config, '--no-detect'], {
        out: (l) => out.push(l),
        err: () => {},
      });
      return { code, out: out.join('\n') };
    };
    expect((await run(await writeCsv('a.csv', [rows[0]!]))).code).toBe(EXIT.ok);
    const second = await run(await writeCsv('b.csv', [rows[0]!.replace(';s1;', ';s2;')]));
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toContain(
      'Samme elev registrert ved flere skoler samme dag: 1 (alle radene er lagret; sjekk hvilken skole som gjelder)',
    );
    expect(second.out).toContain('  elev «e1» 03.09.2026, hele dagen: skole «s2» linje 2, skole «s1» (lagret fra før)');
    const store = await sqlStore();
    expect((await store.bySchool('s1')).map((r) => r.pupilId)).toEqual(['e1']);
    expect((await store.bySchool('s2')).map((r) => r.pupilId)).toEqual(['e1']);
  });
});

test('[issue 10 point 4] the CLI stores the last of two rows for one registration and says which line it replaced', async () => {
  const out: string[] = [];
  const file = await writeCsv('a.csv', [rows[0]!, rows[0]!.replace(';SYK;', ';LEGE;Tannlege')]);
  const code = await runCli(['import', file, '--database', dbUrl(), '--schools-config', await writeDirectory(['s1']), '--no-detect'], {
    out: (l) => out.push(l),
    err: () => {},
  });
  expect(code).toBe(EXIT.ok);
  expect(out.join('\n')).toContain(
    'Erstattet av en senere linje i samme fil: 1\n  linje 3 erstatter linje 2 (elev «e1», skole «s1», 03.09.2026, hele dagen)',
  );
  expect(await (await sqlStore()).byPupil('e1')).toEqual([expect.objectContaining({ reasonCode: 'LEGE', note: 'Tannlege' })]);
});

test('progress callback reports rows read, kept and refused', async () => {
  const file = await writeCsv('a.csv', [...rows, 'e3;s1;11;03.09.2026;ja;;;ja;ja;nei;nei;SYK;']);
  const seen: unknown[] = [];
  await importFile(file, new InMemoryRegistrationStore(), known, { progressEvery: 2, onProgress: (p) => seen.push(p) });
  expect(seen).toEqual([
    { rowsRead: 2, kept: 2, errors: 0 },
    { rowsRead: 4, kept: 3, errors: 1 },
  ]);
});

test('JSON files are imported by extension', async () => {
  const file = path.join(dir, 'a.json');
  const reg = {
    pupilId: 'e1',
    schoolId: 's1',
    grade: 5,
    date: '2026-09-03',
    wholeDay: true,
    valid: true,
    notifiedByGuardians: true,
    lateArrival: false,
    leftDuringDay: false,
    reasonCode: 'SYK',
  };
  await writeFile(file, JSON.stringify([reg]), 'utf8');
  expect(await importFile(file, new InMemoryRegistrationStore(), known)).toMatchObject({ format: 'json', kept: 1, inserted: 1 });
});

describe('CLI', () => {
  const unreachable: TemporalAccess = { connect: () => Promise.reject(new Error('connection refused 127.0.0.1:1')) };
  const run = async (argv: string[], temporal: TemporalAccess = unreachable) => {
    const out: string[] = [];
    const err: string[] = [];
    const withConfig = argv.includes('--schools-config')
      ? argv
      : [...argv, '--schools-config', await writeDirectory(['s1', 's2'], 'standard.json')];
    const code = await runCli(withConfig, { out: (l) => out.push(l), err: (l) => err.push(l) }, temporal);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('[issue 10 point 19] the exit codes are the project-wide table of app/exit-codes.ts', () => {
    expect(INTAKE_EXIT).toBe(EXIT);
  });

  test('exit 0 when every row is stored, with a Norwegian summary', async () => {
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', dbUrl(), '--no-detect']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toContain('Godkjent og lagret: 3 (nye: 3, endret: 0, uendret: 0)');
    expect(result.err).toContain('Lest 3 rader');
  });

  test('exit 3 when some rows are refused; the summary names each bad line; good rows are stored', async () => {
    const result = await run([
      'import',
      await writeCsv('a.csv', [rows[0]!, 'e3;s1;5;31.02.2026;ja;;;ja;ja;nei;nei;SYK;']),
      '--database',
      dbUrl(),
      '--no-detect',
    ]);
    expect(result.code).toBe(EXIT.rowsRefused);
    expect(result.out).toContain('Avvist: 1');
    expect(result.out).toMatch(/linje 3: ugyldig dato «31\.02\.2026»/);
    expect(await (await sqlStore()).count()).toBe(1);
  });

  test('[issue 10 point 8] rows for schools missing from the school directory are refused by line and school id; the rest are stored', async () => {
    const config = await writeDirectory(['s1']);
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', dbUrl(), '--schools-config', config, '--no-detect']);
    expect(result.code).toBe(EXIT.rowsRefused);
    expect(result.out).toContain('Avvist: 1\n  linje 4: skole-id «s2» finnes ikke i skolekatalogen');
    expect(result.out).toContain(
      `Skoler som ikke finnes i skolekatalogen (${config}): «s2». Legg dem inn i skolekatalogen eller rett skole-id, og importer filen på nytt.`,
    );
    const store = await sqlStore();
    expect(await store.schoolIds()).toEqual(['s1']);
    expect(await store.count()).toBe(2);
  });

  test('[issue 10 point 8] the committed school directory is the default: rows for its schools are stored, others refused', async () => {
    const file = await writeCsv('a.csv', ['E1;S001;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', 'E2;S021;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;']);
    const out: string[] = [];
    const code = await runCli(['import', file, '--database', dbUrl(), '--no-detect'], { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(EXIT.rowsRefused);
    expect(out.join('\n')).toContain('linje 3: skole-id «S021» finnes ikke i skolekatalogen');
    expect(await (await sqlStore()).schoolIds()).toEqual(['S001']);
  });

  test('[issue 10 point 19] usage errors are Norwegian, name the bad value and exit 2', async () => {
    const expectUsage = async (argv: string[], text: string) => {
      const result = await run(argv);
      expect([argv, result.code]).toEqual([argv, EXIT.usage]);
      expect(result.err).toContain(text);
      expect(result.err).toContain('Bruk: npm run intake -- import');
    };
    await expectUsage(['importer', 'x.csv'], 'Ukjent kommando «importer»');
    await expectUsage(['import'], 'Mangler filnavn');
    await expectUsage(['import', 'a.csv', 'b.csv'], 'For mange argumenter: «b.csv»');
    await expectUsage(['import', 'a.csv', '--foo'], 'Ukjent valg «--foo»');
    await expectUsage(['import', 'a.csv', '--database'], 'Valget «--database» mangler verdi');
    await expectUsage(['import', 'a.csv', '--no-detect=ja'], 'Valget «--no-detect» tar ingen verdi');
    await expectUsage(['import', 'a.csv', '--progress-every', '0'], '--progress-every må være et positivt heltall, ikke «0»');
    await expectUsage(['import', 'a.csv', '--today', '2026-02-30'], '«2026-02-30»');
  });

  test('[issue 10 point 19] a missing or unreadable file exits 4 naming the file; a file without a usable header too', async () => {
    const missing = path.join(dir, 'finnes-ikke.csv');
    const result = await run(['import', missing]);
    expect(result.code).toBe(EXIT.badFile);
    expect(result.err).toContain(`Finner ikke filen «${missing}»`);
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'navn;alder\nKari;10\n', 'utf8');
    const header = await run(['import', bad, '--database', dbUrl()]);
    expect(header.code).toBe(EXIT.badFile);
    expect(header.err).toContain('mangler kolonne');
  });

  test('exit 5 when the rows are stored but Temporal cannot be reached to update the cases', async () => {
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', dbUrl(), '--today', '2026-09-04']);
    expect(result.code).toBe(EXIT.temporalUnavailable);
    expect(result.err).toContain('Sakene ble ikke oppdatert: får ikke kontakt med Temporal (connection refused 127.0.0.1:1)');
    expect(result.err).toContain('npm run detect');
    expect(await (await sqlStore()).count()).toBe(3);
  });

  test('[issue 10 point 8] exit 6 when the school directory is invalid: nothing can be checked, so nothing is stored', async () => {
    const config = path.join(dir, 'skoler.json');
    await writeFile(
      config,
      JSON.stringify({ formatVersion: 1, municipalities: {}, schools: [{ schoolId: 's1', name: 'Skole', municipality: 'x' }] }),
      'utf8',
    );
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', dbUrl(), '--schools-config', config]);
    expect(result.code).toBe(EXIT.badConfiguration);
    expect(result.err).toContain('ble ikke importert');
    expect(result.err).toContain('schools.0.municipality');
    expect(await (await sqlStore()).count()).toBe(0);
  });

  test('[issue 10 point 19] a damaged stored registration exits 1 with a Norwegian message naming it', async () => {
    const store = await sqlStore();
    await importFile(await writeCsv('a.csv', [rows[0]!]), store, known);
    await opened[0]!.db.updateTable('registrations').set({ record: '{ikke json' }).execute();
    const result = await run(['import', await writeCsv('b.csv', rows), '--database', dbUrl(), '--no-detect']);
    expect(result.code).toBe(EXIT.internalError);
    expect(result.err).toContain('Registreringen for elev «e1» ved skole «s1» 2026-09-03 i databasen er skadet');
    expect(result.err).not.toMatch(/Unexpected token|SyntaxError/);
  });

  test('exit 10 when the database cannot be opened; nothing is imported', async () => {
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', 'postgres://127.0.0.1:1/finnes_ikke', '--no-detect']);
    expect(result.code).toBe(EXIT.databaseUnavailable);
    expect(result.err).toMatch(
      /ble ikke importert: Databasen \(PostgreSQL postgres:\/\/127\.0\.0\.1:1\/finnes_ikke\) kunne ikke oppgraderes/,
    );
  });

  test('a --database that is no database URL is a usage error that does not echo the value', async () => {
    const result = await run(['import', await writeCsv('a.csv', rows), '--database', 'mysql://root:hemmelig@db/x']);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toContain('--database må begynne med sqlite:');
    expect(result.err).not.toContain('hemmelig');
  });
});
