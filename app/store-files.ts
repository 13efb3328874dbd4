/**
 * The files of one of the first versions' JSON stores: every `*<suffix>` file in a folder, full
 * paths sorted by name, none when the folder does not exist (an installation that never had
 * them). Read only by the one-shot import into the database (cli/json-store-import.ts).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export async function storeFiles(dir: string, suffix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => path.join(dir, name));
}
