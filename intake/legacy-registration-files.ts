/**
 * Reads the registration files of the system's first versions (one JSON file per school,
 * `<school>.registrations.json` under data/registrations), for the one-shot import into the
 * database (cli/import-json-stores.ts). Nothing writes this format any more. Every file is
 * checked before anything is imported: a damaged one is named with what is wrong, in Norwegian.
 */
import { readFile } from 'node:fs/promises';
import { storeFiles } from '../app/store-files';
import { z } from 'zod';
import { quoteValue, schoolIdSchema } from '../machines/identifiers';
import { describeIssues } from '../machines/zod-issues';
import { type Registration, registrationSchema } from './registration-schema';
import { RegistrationStoreError } from './registration-store';

/** The suffix of an old school file. */
export const LEGACY_REGISTRATIONS_SUFFIX = '.registrations.json';

const schoolFileSchema = z
  .object(
    {
      formatVersion: z.literal(1, { error: (issue) => `formatVersion ${quoteValue(issue.input)} er ukjent (kjent: 1)` }),
      schoolId: schoolIdSchema,
      registrations: z.array(registrationSchema, { error: 'registrations må være en liste' }),
    },
    { error: 'filen må være et JSON-objekt' },
  )
  .superRefine((file, ctx) => {
    // A registration in another school's file would be stored under the wrong school.
    file.registrations.forEach((reg, index) => {
      if (reg.schoolId !== file.schoolId) {
        ctx.addIssue({
          code: 'custom',
          path: ['registrations', index, 'schoolId'],
          message: `registreringen for elev ${quoteValue(reg.pupilId)} ${reg.date} gjelder skole ${quoteValue(reg.schoolId)}, ikke ${quoteValue(file.schoolId)}`,
        });
      }
    });
  });

export interface LegacyRegistrationFile {
  file: string;
  schoolId: string;
  registrations: Registration[];
}

/** Every old school file in `dir`, sorted by name (none when the folder does not exist). Throws RegistrationStoreError on a damaged file. */
export async function readLegacyRegistrationFiles(dir: string): Promise<LegacyRegistrationFile[]> {
  const out: LegacyRegistrationFile[] = [];
  for (const file of await storeFiles(dir, LEGACY_REGISTRATIONS_SUFFIX)) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new RegistrationStoreError(`Registreringsfilen ${file} er skadet: den er ikke gyldig JSON (${(err as Error).message})`);
    }
    const parsed = schoolFileSchema.safeParse(json);
    if (!parsed.success)
      throw new RegistrationStoreError(`Registreringsfilen ${file} er skadet: ${describeIssues(parsed.error, 'filen').join('; ')}`);
    out.push({ file, schoolId: parsed.data.schoolId, registrations: parsed.data.registrations });
  }
  return out;
}
