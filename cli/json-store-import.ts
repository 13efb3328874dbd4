/**
 * The one-shot import of the JSON stores of the system's first versions into the school's
 * database: the registration files (`<school>.registrations.json` under data/registrations) and
 * detection's ledger files (`<school>.ledger.json` under data/detection). `npm start` runs it
 * when it finds them, and `npm run database -- import-json` runs it by hand.
 *
 * Every file is read and checked before anything is written; the registrations go in as one
 * transaction (all or none), each school's ledger in one more, and a school whose ledger is
 * already in the database keeps it. Then each folder is renamed to `<folder>.importert-<time>`,
 * so the import never runs twice and the old files are kept, not deleted.
 */
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { AppDatabase } from '../app/database/database';
import { readLegacyLedgerFiles } from '../detection/legacy-ledger-files';
import { SqlTriggerLedger } from '../detection/trigger-ledger';
import { readLegacyRegistrationFiles } from '../intake/legacy-registration-files';
import { SqlRegistrationStore, type UpsertCounts } from '../intake/registration-store';

export interface JsonStoreFolders {
  registrationsDir: string;
  ledgerDir: string;
}

export interface JsonStoreImport {
  /** Registration files read, and what their rows did to the database. */
  registrationFiles: number;
  registrations: UpsertCounts;
  /** Schools whose ledger was imported; schools whose ledger the database already had. */
  ledgersImported: string[];
  ledgersKept: string[];
  /** Where each imported folder was moved. */
  movedTo: string[];
}

/** Whether there is anything to import. */
export function hasJsonStores(folders: JsonStoreFolders): boolean {
  return existsSync(folders.registrationsDir) || existsSync(folders.ledgerDir);
}

/** Imports the old JSON stores in `folders` into `database`; `now` names the renamed folders. */
export async function importJsonStores(database: AppDatabase, folders: JsonStoreFolders, now: Date = new Date()): Promise<JsonStoreImport> {
  // Read and check everything first: a damaged file stops the import before anything is written.
  const registrationFiles = await readLegacyRegistrationFiles(folders.registrationsDir);
  const ledgerFiles = await readLegacyLedgerFiles(folders.ledgerDir);

  const registrations = await new SqlRegistrationStore(database, () => now).upsert(registrationFiles.flatMap((f) => f.registrations));
  const ledger = new SqlTriggerLedger(database);
  const ledgersImported: string[] = [];
  const ledgersKept: string[] = [];
  for (const { schoolId, pupils } of ledgerFiles) {
    if ((await ledger.load(schoolId)).size > 0) {
      ledgersKept.push(schoolId);
      continue;
    }
    await ledger.save(schoolId, pupils);
    ledgersImported.push(schoolId);
  }

  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const movedTo: string[] = [];
  for (const dir of [folders.registrationsDir, folders.ledgerDir]) {
    if (!existsSync(dir)) continue;
    const target = `${dir}.importert-${stamp}`;
    await rename(dir, target);
    movedTo.push(target);
  }
  return { registrationFiles: registrationFiles.length, registrations, ledgersImported, ledgersKept, movedTo };
}

/** The import in Norwegian. */
export function describeJsonStoreImport(result: JsonStoreImport): string {
  const r = result.registrations;
  const lines = [
    `Importerte de gamle JSON-lagrene til databasen: ${result.registrationFiles} registreringsfil(er) ` +
      `(${r.inserted} nye, ${r.updated} endret, ${r.unchanged} uendret), deteksjonslogg for ${result.ledgersImported.length} skole(r).`,
  ];
  if (result.ledgersKept.length > 0)
    lines.push(`Databasen hadde allerede deteksjonslogg for ${result.ledgersKept.join(', ')}; den ble beholdt.`);
  for (const target of result.movedTo) lines.push(`De gamle filene er flyttet til ${target}.`);
  return lines.join('\n');
}
