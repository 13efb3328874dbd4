/**
 * The school directory: the committed config/schools.json is valid and its calendar agrees with
 * the data generator's school days (so `npm run generate` data is evaluated on the right days),
 * and every kind of mistake is refused with the path of the field at fault.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SCHOOLS_CONFIG, SchoolDirectoryError, buildSchoolDirectory, loadSchoolDirectory } from '../../detection/school-directory';
import { schoolDays } from '../../intake/generate';
import { currentProcedures } from '../../machines/registry';
import { calendarConfig } from './fixtures';

const valid = {
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
  schools: [{ schoolId: 'skole-1', name: 'Testskole', municipality: 'test' }],
};

test('the committed directory is valid, covers every procedure, and its school days are the generator\'s', async () => {
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

test('mistakes are refused with the path of each bad field', () => {
  const refused = (config: unknown) => {
    try {
      buildSchoolDirectory(config, 'test.json');
    } catch (err) {
      expect(err).toBeInstanceOf(SchoolDirectoryError);
      return (err as Error).message;
    }
    throw new Error('not refused');
  };
  expect(refused({ ...valid, schools: [...valid.schools, valid.schools[0]] })).toContain('schools.1.schoolId: school "skole-1" is listed twice');
  expect(refused({ ...valid, schools: [{ ...valid.schools[0], municipality: 'oslo' }] })).toContain('schools.0.municipality: unknown municipality "oslo"');
  expect(refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, procedureId: 'oslo-rutine' } } })).toContain('Unknown procedure "oslo-rutine"');
  expect(
    refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, detectionOverrides: { consecutiveSchoolDays: 0 } } } }),
  ).toContain('municipalities.test');
  expect(refused({ ...valid, municipalities: { test: { ...valid.municipalities.test, calendar: { ...calendarConfig, lastYear: 2020 } } } })).toContain(
    'lastYear must not be before firstYear',
  );
  expect(refused({ ...valid, formatVersion: 2 })).toContain('formatVersion');
  expect(refused({ ...valid, schools: [] })).toContain('at least one school is needed');
});

test('a missing or unreadable file is named in the error', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'skoler-'));
  try {
    await expect(loadSchoolDirectory(path.join(dir, 'finnes-ikke.json'))).rejects.toThrow(/Finner ikke skolekatalogen .*finnes-ikke\.json/);
    await writeFile(path.join(dir, 'feil.json'), '{ "formatVersion": 1, ', 'utf8');
    await expect(loadSchoolDirectory(path.join(dir, 'feil.json'))).rejects.toThrow(/feil\.json er ikke gyldig JSON/);
    await writeFile(path.join(dir, 'ok.json'), JSON.stringify(valid), 'utf8');
    expect((await loadSchoolDirectory(path.join(dir, 'ok.json'))).get('skole-1')).toMatchObject({ procedureId: 'tiltaksplan-elevfravaer', municipality: 'test' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
