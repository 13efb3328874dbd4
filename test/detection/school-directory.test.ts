/**
 * The school directory: the committed config/schools.json is valid and its calendar agrees with
 * the data generator's school days (so `npm run generate` data is evaluated on the right days),
 * and every kind of mistake is refused with the path of the field at fault.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchoolDirectoryError, buildSchoolDirectory, loadSchoolDirectory } from '../../detection/school-directory';
import { DEFAULT_SCHOOLS_CONFIG } from '../../app/settings';
import { schoolDays } from '../../intake/generate';
import { currentProcedures } from '../../machines/registry';
import { calendarConfig } from './fixtures';

const valid = {
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
  schools: [{ schoolId: 'skole1', name: 'Testskole', municipality: 'test' }],
};

test("the committed directory is valid, covers every procedure, and its school days are the generator's", async () => {
  const directory = await loadSchoolDirectory(path.join(__dirname, '..', '..', DEFAULT_SCHOOLS_CONFIG));
  const schools = directory.schoolIds().map((id) => directory.get(id)!);
  expect(new Set(schools.map((s) => s.procedureId))).toEqual(new Set(currentProcedures().map((p) => p.id)));
  for (const year of [2025, 2026]) {
    const expected = schoolDays(year);
    const calendar = schools[0]!.calendar;
    const actual = [];
    for (let d = new Date(`${year}-08-01T00:00:00Z`); d <= new Date(`${year + 1}-06-30T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
      const iso = d.toISOString().slice(0, 10);
      if (calendar.isSchoolDay(iso)) actual.push(iso);
    }
    expect(actual).toEqual(expected);
  }
});

test('mistakes are refused in Norwegian with the path of each bad field and its value', () => {
  const refused = (config: unknown) => {
    try {
      buildSchoolDirectory(config, 'test.json');
    } catch (err) {
      expect(err).toBeInstanceOf(SchoolDirectoryError);
      return (err as Error).message;
    }
    throw new Error('not refused');
  };
  expect(refused({ ...valid, schools: [...valid.schools, valid.schools[0]] })).toContain(
    'schools.1.schoolId: skolen «skole1» står to ganger',
  );
  expect(refused({ ...valid, schools: [{ ...valid.schools[0], municipality: 'oslo' }] })).toContain(
    'schools.0.municipality: ukjent kommune «oslo»; kommunene i katalogen: test',
  );
  expect(refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, procedureId: 'oslo-rutine' } } })).toContain(
    'Ukjent rutine «oslo-rutine»',
  );
  expect(
    refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, detectionOverrides: { consecutiveSchoolDays: 0 } } } }),
  ).toContain(
    'municipalities.test: Ugyldige terskler for fraværsdeteksjon (detectionOverrides) for rutinen «tiltaksplan-elevfravaer»: consecutiveSchoolDays: må være minst 1 (fikk «0»)',
  );
  expect(
    refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, calendar: { ...calendarConfig, lastYear: 2020 } } } }),
  ).toContain('municipalities.test.calendar.lastYear: siste år «2020» er før første år «2025»');
  expect(refused({ ...valid, formatVersion: 2 })).toContain('formatVersion: må være 1 (fikk «2»)');
  expect(refused({ ...valid, schools: [] })).toContain('schools: katalogen må ha minst én skole');
  expect(refused({ ...valid, schools: [{ ...valid.schools[0], schoolId: '=CMD()|calc' }] })).toContain(
    'schools.0.schoolId: skole-id «=CMD()|calc» er ugyldig',
  );
  expect(refused({ ...valid, schools: [{ ...valid.schools[0], schoolId: 'skole-1' }] })).toContain('ingen bindestrek');
});

test('a missing or unreadable file is named in the error', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'skoler-'));
  try {
    await expect(loadSchoolDirectory(path.join(dir, 'finnes-ikke.json'))).rejects.toThrow(/Finner ikke skolekatalogen .*finnes-ikke\.json/);
    await writeFile(path.join(dir, 'feil.json'), '{ "formatVersion": 1, ', 'utf8');
    await expect(loadSchoolDirectory(path.join(dir, 'feil.json'))).rejects.toThrow(/feil\.json er ikke gyldig JSON/);
    await writeFile(path.join(dir, 'ok.json'), JSON.stringify(valid), 'utf8');
    expect((await loadSchoolDirectory(path.join(dir, 'ok.json'))).get('skole1')).toMatchObject({
      procedureId: 'tiltaksplan-elevfravaer',
      municipality: 'test',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
