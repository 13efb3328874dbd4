/** The school directory file loaded into the database's `schools` table, on SQLite and PostgreSQL. */
import { loadSchoolDirectoryIntoDatabase } from '../../detection/school-directory-store';
import { buildSchoolDirectory } from '../../detection/school-directory';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { calendarConfig, whole } from './fixtures';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

const directory = (schools: { schoolId: string; name: string }[], procedureId = 'tiltaksplan-elevfravaer') =>
  buildSchoolDirectory({
    formatVersion: 1,
    municipalities: { test: { name: 'Testkommune', procedureId, calendar: calendarConfig } },
    schools: schools.map((s) => ({ ...s, municipality: 'test' })),
  });

describe.each(databases)('$name', ({ open }) => {
  test('the table says what the file says: schools added, changed and removed; a removed school keeps its registrations', async () => {
    const database = await open();
    const first = directory([
      { schoolId: 'S001', name: 'Nordby skole' },
      { schoolId: 'S002', name: 'Sørby skole' },
    ]);
    expect(await loadSchoolDirectoryIntoDatabase(database, first, 'skoler.json')).toEqual({
      added: ['S001', 'S002'],
      changed: [],
      removed: [],
    });
    expect(await loadSchoolDirectoryIntoDatabase(database, first, 'skoler.json')).toEqual({ added: [], changed: [], removed: [] });
    await new SqlRegistrationStore(database).upsert([whole('2026-05-05', { schoolId: 'S002' })]);

    const second = directory([{ schoolId: 'S001', name: 'Nordby barneskole' }], 'raelingen-veileder');
    expect(await loadSchoolDirectoryIntoDatabase(database, second, 'skoler.json')).toEqual({
      added: [],
      changed: ['S001'],
      removed: ['S002'],
    });
    const rows = await database.db.selectFrom('schools').selectAll().execute();
    expect(rows.map((r) => [r.school_id, r.procedure_id, JSON.parse(r.record).name])).toEqual([
      ['S001', 'raelingen-veileder', 'Nordby barneskole'],
    ]);
    expect(await new SqlRegistrationStore(database).bySchool('S002')).toHaveLength(1);
  });
});
