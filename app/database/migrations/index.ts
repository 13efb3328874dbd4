/**
 * Every migration, in order, in code (not read from a folder at run time, so a bundled or
 * compiled build has them too). A new migration gets the next number and is never edited once
 * released: a database that ran it keeps its name in `kysely_migration`.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { schoolData } from './0001-school-data';
import { people } from './0002-people';
import { messageDeliveries } from './0003-message-deliveries';
import { archive } from './0004-archive';
import { webUsers } from './0005-web-users';

export const migrations: Readonly<Record<string, Migration>> = {
  '0001-school-data': schoolData,
  '0002-people': people,
  '0003-message-deliveries': messageDeliveries,
  '0004-archive': archive,
  '0005-web-users': webUsers,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};
