/**
 * The detection ledger files of the system's first versions: one JSON file per school,
 * `<school>.ledger.json` under data/detection (`{ formatVersion: 1, schoolId, pupils }`).
 * The ledger now lives in the school's database (SqlTriggerLedger); `readLegacyLedgerFiles` reads
 * the old files for the one-shot import (cli/json-store-import.ts), with the same checks and
 * Norwegian messages as before. Nothing writes this format any more.
 */
import { readFile } from 'node:fs/promises';
import { storeFiles } from '../app/store-files';
import path from 'node:path';
import { z } from 'zod';
import { quoteValue } from '../machines/identifiers';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { type PupilLedger, TriggerLedgerError, pupilLedgerSchema } from './ledger-record';

/** The suffix of a school's ledger file. */
export const LEGACY_LEDGER_SUFFIX = '.ledger.json';

const ledgerFileSchema = z.object({
  formatVersion: z.literal(1),
  schoolId: z.string(),
  pupils: z.array(pupilLedgerSchema),
});

/** The file's text checked: a damaged file is a TriggerLedgerError naming the file and the fault. */
function parseLedgerFile(file: string, text: string): z.infer<typeof ledgerFileSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new TriggerLedgerError(`Deteksjonsloggen ${file} er skadet (ikke gyldig JSON: ${(err as Error).message})`, { file });
  }
  const parsed = ledgerFileSchema.safeParse(json, parseOptions);
  if (!parsed.success)
    throw new TriggerLedgerError(
      `Deteksjonsloggen ${file} er skadet: ${describeIssues(parsed.error, '(filen)', json).slice(0, 3).join('; ')}`,
      { file },
    );
  return parsed.data;
}

/** One school's old ledger file, read and checked. */
export interface LegacyLedgerFile {
  file: string;
  schoolId: string;
  pupils: Map<string, PupilLedger>;
}

/**
 * Every old ledger file in `dir`, sorted by name (none when the folder does not exist). Throws
 * TriggerLedgerError on the first damaged file, and on a file whose school is not the one its
 * name says (it would be imported under the wrong school).
 */
export async function readLegacyLedgerFiles(dir: string): Promise<LegacyLedgerFile[]> {
  const out: LegacyLedgerFile[] = [];
  for (const file of await storeFiles(dir, LEGACY_LEDGER_SUFFIX)) {
    const name = path.basename(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new TriggerLedgerError(`Kan ikke lese deteksjonsloggen ${file}: ${(err as Error).message}`, { file });
    }
    const ledger = parseLedgerFile(file, text);
    const named = decodeURIComponent(name.slice(0, -LEGACY_LEDGER_SUFFIX.length));
    if (ledger.schoolId !== named)
      throw new TriggerLedgerError(
        `Deteksjonsloggen ${file} er skadet: schoolId er ${quoteValue(ledger.schoolId)}, men filnavnet gjelder skole ${quoteValue(named)}`,
        { file },
      );
    out.push({ file, schoolId: ledger.schoolId, pupils: new Map(ledger.pupils.map((p) => [p.pupilId, p])) });
  }
  return out;
}
