/**
 * Every migration, in order, in code (not read from a folder at run time, so a bundled or
 * compiled build has them too). A new migration gets the next number and is never edited once
 * released: a database that ran it keeps its name in `kysely_migration`.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { schoolData } from './0001-school-data';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001-school-data': schoolData,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};
