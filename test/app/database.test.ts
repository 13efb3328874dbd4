/**
 * The database layer (app/database/): DATABASE_URL, opening SQLite through node:sqlite, the
 * migrations, and a failing migration that leaves the database as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { DatabaseError, migrateToLatest, openDatabase } from '../../app/database/database';
import { describeDatabaseUrl, parseDatabaseUrl } from '../../app/database/database-url';
import { migrations } from '../../app/database/migrations';
import { ConfigError, parseSettings } from '../../app/settings';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'database-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('DATABASE_URL', () => {
  test.each([
    ['sqlite:data/skolefravaer.sqlite', { kind: 'sqlite', file: 'data/skolefravaer.sqlite' }],
    ['file:/var/lib/skolefravaer/data.sqlite', { kind: 'sqlite', file: '/var/lib/skolefravaer/data.sqlite' }],
    ['sqlite:///srv/data.sqlite', { kind: 'sqlite', file: '/srv/data.sqlite' }],
    [
      'postgres://app:hemmelig@db.kommune.no:5432/skolefravaer',
      { kind: 'postgres', url: 'postgres://app:hemmelig@db.kommune.no:5432/skolefravaer' },
    ],
    ['postgresql://db/skolefravaer', { kind: 'postgres', url: 'postgresql://db/skolefravaer' }],
  ])('%s is understood', (value, expected) => {
    expect(parseDatabaseUrl(value)).toEqual(expected);
  });

  test.each([
    ['mysql://db/skolefravaer', /sqlite: .* postgres:\/\//],
    ['sqlite:', /filsti/],
    ['postgres://db.kommune.no', /både vert og database/],
  ])('%s is refused in Norwegian', (value, message) => {
    expect(parseDatabaseUrl(value)).toEqual({ error: expect.stringMatching(message) });
  });

  test('a password never appears in a description', () => {
    expect(describeDatabaseUrl('postgres://app:hemmelig@db:5432/skolefravaer')).toBe('PostgreSQL postgres://app:***@db:5432/skolefravaer');
  });

  test('the default is the SQLite file in the data directory; a bad value is refused without echoing it', () => {
    expect(parseSettings({ DATA_DIR: '/srv/data' }).databaseUrl).toBe('sqlite:/srv/data/skolefravaer.sqlite');
    expect(parseSettings({ DATABASE_URL: 'postgres://db/x' }).databaseUrl).toBe('postgres://db/x');
    const attempt = () => parseSettings({ DATABASE_URL: 'mysql://root:hemmelig@db/x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/DATABASE_URL/);
    expect(attempt).not.toThrow(/hemmelig/);
  });
});

describe('SQLite through node:sqlite', () => {
  test('opening creates the file and its folder; migrating twice applies each migration once', async () => {
    const database = openDatabase(`sqlite:${path.join(dir, 'nested', 'school.sqlite')}`);
    try {
      expect(await migrateToLatest(database)).toEqual({ applied: Object.keys(migrations) });
      expect(await migrateToLatest(database)).toEqual({ applied: [] });
      const tables = await database.db.introspection.getTables();
      expect(tables.map((t) => t.name).sort()).toEqual([
        'archive_case_files',
        'archive_correspondence_parties',
        'archive_document_objects',
        'archive_documents',
        'archive_registry_entries',
        'detection_ledger',
        'detection_locks',
        'guardians',
        'message_deliveries',
        'pupil_guardians',
        'pupils',
        'registrations',
        'schools',
        'staff',
        'staff_roles',
        'web_api_tokens',
        'web_case_access_log',
        'web_users',
      ]);
    } finally {
      await database.close();
    }
  });

  test('values Kysely binds that node:sqlite does not (booleans, undefined) are stored as SQLite would', async () => {
    const database = openDatabase(`sqlite:${path.join(dir, 'binds.sqlite')}`);
    try {
      const { rows } = await sql<{ t: number; n: null }>`select ${true} as t, ${undefined} as n`.execute(database.db);
      expect(rows).toEqual([{ t: 1, n: null }]);
    } finally {
      await database.close();
    }
  });

  test('a migration that fails half-way leaves the database as it was', async () => {
    const database = openDatabase(`sqlite:${path.join(dir, 'failing.sqlite')}`);
    const failing = {
      async up(db: Parameters<(typeof migrations)['0001-school-data']['up']>[0]) {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        await sql`select * from no_such_table`.execute(db);
      },
    };
    try {
      await migrateToLatest(database);
      const attempt = migrateToLatest(database, { getMigrations: async () => ({ ...migrations, '0002-failing': failing }) });
      await expect(attempt).rejects.toThrow(DatabaseError);
      await expect(migrateToLatest(database, { getMigrations: async () => ({ ...migrations, '0002-failing': failing }) })).rejects.toThrow(
        /0002-failing.*Databasen er som før migreringen/,
      );
      const tables = (await database.db.introspection.getTables()).map((t) => t.name);
      expect(tables).not.toContain('half_done');
    } finally {
      await database.close();
    }
  });
});
