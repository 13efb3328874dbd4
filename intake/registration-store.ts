/**
 * Idempotent storage of absence registrations, keyed by `registrationKey` (school + pupil + date
 * + kind): importing the same file twice changes nothing, and a corrected row replaces the
 * earlier version of the same school's registration. Nothing here removes a registration or
 * moves it to another school: a row for the same pupil and day from another school is stored
 * beside the first school's, never over it (the importer reports the two as a conflict).
 *
 * Why no SQLite yet: Node 20 has no built-in `node:sqlite`, and the usual packages
 * (better-sqlite3, sqlite3) are native modules whose build on this machine has not been checked
 * (package scripts are disabled by `allowScripts`). Until that is settled the durable store is
 * one JSON file per school under a data directory, rewritten atomically (temp file, fsync,
 * rename), which is enough for one school year of one municipality and keeps the same interface.
 * The file store assumes a single writer process at a time.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { quoteValue, schoolIdSchema } from '../machines/identifiers';
import { describeIssues } from '../machines/zod-issues';
import { writeFileAtomic } from './atomic-write';
import { type Registration, canonicalJson, registrationKey, registrationKind, registrationSchema } from './registration-schema';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface RegistrationStore {
  /** Inserts new keys, replaces changed ones, counts the rest as unchanged. Idempotent. */
  upsert(registrations: readonly Registration[]): Promise<UpsertCounts>;
  /** A pupil's registrations at every school, in date order. */
  byPupil(pupilId: string): Promise<Registration[]>;
  /** A school's registrations ordered by pupil and date. */
  bySchool(schoolId: string): Promise<Registration[]>;
  /** Every school with at least one registration, sorted. */
  schoolIds(): Promise<string[]>;
  count(): Promise<number>;
}

const kindOrder = ['whole-day', 'late-arrival', 'left-during-day', 'partial'];

function compareRegistrations(a: Registration, b: Registration): number {
  return (
    a.pupilId.localeCompare(b.pupilId) ||
    a.date.localeCompare(b.date) ||
    kindOrder.indexOf(registrationKind(a)) - kindOrder.indexOf(registrationKind(b))
  );
}

/**
 * The shared bookkeeping: what upsert would change, without touching any storage. The key holds
 * the school, so a change only ever touches the school of the incoming row.
 */
function plan(current: ReadonlyMap<string, Registration>, incoming: readonly Registration[]) {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const changes = new Map<string, Registration>();
  for (const reg of incoming) {
    const key = registrationKey(reg);
    const before = changes.get(key) ?? current.get(key);
    if (before === undefined) counts.inserted += 1;
    else if (canonicalJson(before) === canonicalJson(reg)) {
      counts.unchanged += 1;
      continue;
    } else counts.updated += 1;
    changes.set(key, reg);
  }
  return { counts, changes };
}

export class InMemoryRegistrationStore implements RegistrationStore {
  protected readonly byKey = new Map<string, Registration>();
  /** Keys per pupil, so the importer's cross-school check does not scan every registration per pupil. */
  private readonly keysByPupil = new Map<string, Set<string>>();

  async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    const { counts, changes } = plan(this.byKey, registrations);
    for (const [key, reg] of changes) this.put(key, reg);
    return counts;
  }

  /** Sets one registration in memory; the only way registrations enter `byKey`. */
  protected put(key: string, reg: Registration): void {
    this.byKey.set(key, reg);
    let keys = this.keysByPupil.get(reg.pupilId);
    if (keys === undefined) this.keysByPupil.set(reg.pupilId, (keys = new Set()));
    keys.add(key);
  }

  async byPupil(pupilId: string): Promise<Registration[]> {
    const keys = this.keysByPupil.get(pupilId) ?? [];
    return [...keys].map((key) => this.byKey.get(key)!).sort(compareRegistrations);
  }

  async bySchool(schoolId: string): Promise<Registration[]> {
    return [...this.byKey.values()].filter((r) => r.schoolId === schoolId).sort(compareRegistrations);
  }

  async schoolIds(): Promise<string[]> {
    return [...new Set([...this.byKey.values()].map((r) => r.schoolId))].sort();
  }

  async count(): Promise<number> {
    return this.byKey.size;
  }
}

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
    // A registration in another school's file would be stored under the wrong school on the next write.
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

/** A stored registration file cannot be read; the message names the file and what is wrong. */
export class RegistrationStoreError extends Error {
  override name = 'RegistrationStoreError';
}

const FILE_SUFFIX = '.registrations.json';

/**
 * School ids become file names. Valid ids (machines/identifiers.ts) are already safe file names;
 * the encoding stays as a second guard for `/` and other characters that must never reach a path.
 */
function schoolFileName(schoolId: string): string {
  return `${encodeURIComponent(schoolId)}${FILE_SUFFIX}`;
}

/**
 * One JSON file per school under `dataDir`, all loaded into memory when opened. Upsert writes
 * only the schools it changed, each atomically, and updates memory only after the writes
 * succeeded, so a failed write leaves both disk and memory at the previous state per file.
 */
export class FileRegistrationStore extends InMemoryRegistrationStore {
  private constructor(private readonly dataDir: string) {
    super();
  }

  static async open(dataDir: string): Promise<FileRegistrationStore> {
    const store = new FileRegistrationStore(dataDir);
    await mkdir(dataDir, { recursive: true });
    for (const name of (await readdir(dataDir)).filter((n) => n.endsWith(FILE_SUFFIX)).sort()) {
      const file = path.join(dataDir, name);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new RegistrationStoreError(`Registreringsfilen ${file} er skadet: den er ikke gyldig JSON (${(err as Error).message})`);
      }
      const parsed = schoolFileSchema.safeParse(json);
      if (!parsed.success)
        throw new RegistrationStoreError(`Registreringsfilen ${file} er skadet: ${describeIssues(parsed.error, 'filen').join('; ')}`);
      for (const reg of parsed.data.registrations) store.put(registrationKey(reg), reg);
    }
    return store;
  }

  override async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    const { counts, changes } = plan(this.byKey, registrations);
    if (changes.size === 0) return counts;
    const next = new Map(this.byKey);
    const touchedSchools = new Set<string>();
    for (const [key, reg] of changes) {
      next.set(key, reg);
      touchedSchools.add(reg.schoolId);
    }
    const perSchool = new Map<string, Registration[]>([...touchedSchools].map((id) => [id, []]));
    for (const reg of next.values()) perSchool.get(reg.schoolId)?.push(reg);
    for (const [schoolId, regs] of perSchool) {
      await this.writeSchool(schoolId, regs.sort(compareRegistrations));
    }
    for (const [key, reg] of changes) this.put(key, reg);
    return counts;
  }

  private async writeSchool(schoolId: string, registrations: Registration[]): Promise<void> {
    const body = `${JSON.stringify({ formatVersion: 1, schoolId, registrations: registrations.map((r) => JSON.parse(canonicalJson(r)) as unknown) }, null, 1)}\n`;
    await writeFileAtomic(path.join(this.dataDir, schoolFileName(schoolId)), body);
  }
}
