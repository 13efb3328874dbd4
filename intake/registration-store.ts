/**
 * Idempotent storage of absence registrations, keyed by `registrationKey` (pupil + date + kind):
 * importing the same file twice changes nothing, and a corrected row replaces the earlier version.
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
  /** A pupil's registrations in date order. */
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

/** The shared bookkeeping: what upsert would change, without touching any storage. */
function plan(current: ReadonlyMap<string, Registration>, incoming: readonly Registration[]) {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const changes = new Map<string, { before?: Registration; after: Registration }>();
  for (const reg of incoming) {
    const key = registrationKey(reg);
    const before = changes.get(key)?.after ?? current.get(key);
    if (before === undefined) counts.inserted += 1;
    else if (canonicalJson(before) === canonicalJson(reg)) {
      counts.unchanged += 1;
      continue;
    } else counts.updated += 1;
    const original = changes.get(key)?.before ?? current.get(key);
    changes.set(key, { ...(original === undefined ? {} : { before: original }), after: reg });
  }
  return { counts, changes };
}

export class InMemoryRegistrationStore implements RegistrationStore {
  protected readonly byKey = new Map<string, Registration>();

  async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    const { counts, changes } = plan(this.byKey, registrations);
    for (const [key, { after }] of changes) this.byKey.set(key, after);
    return counts;
  }

  async byPupil(pupilId: string): Promise<Registration[]> {
    return [...this.byKey.values()].filter((r) => r.pupilId === pupilId).sort(compareRegistrations);
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

const schoolFileSchema = z.object({
  formatVersion: z.literal(1),
  schoolId: z.string(),
  registrations: z.array(registrationSchema),
});

const FILE_SUFFIX = '.registrations.json';

/** School ids become file names; encoding keeps `/` and other unsafe characters out of paths. */
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
      const parsed = schoolFileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (!parsed.success) throw new Error(`Registreringsfilen ${file} er skadet: ${parsed.error.issues[0]?.message ?? 'ukjent feil'}`);
      for (const reg of parsed.data.registrations) store.byKey.set(registrationKey(reg), reg);
    }
    return store;
  }

  override async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    const { counts, changes } = plan(this.byKey, registrations);
    if (changes.size === 0) return counts;
    const next = new Map(this.byKey);
    const touchedSchools = new Set<string>();
    for (const [key, { before, after }] of changes) {
      next.set(key, after);
      touchedSchools.add(after.schoolId);
      // A correction may move a registration to another school; that school's file changes too.
      if (before !== undefined) touchedSchools.add(before.schoolId);
    }
    const perSchool = new Map<string, Registration[]>([...touchedSchools].map((id) => [id, []]));
    for (const reg of next.values()) perSchool.get(reg.schoolId)?.push(reg);
    for (const [schoolId, regs] of perSchool) {
      await this.writeSchool(schoolId, regs.sort(compareRegistrations));
    }
    for (const [key, { after }] of changes) this.byKey.set(key, after);
    return counts;
  }

  private async writeSchool(schoolId: string, registrations: Registration[]): Promise<void> {
    const body = `${JSON.stringify({ formatVersion: 1, schoolId, registrations: registrations.map((r) => JSON.parse(canonicalJson(r)) as unknown) }, null, 1)}\n`;
    await writeFileAtomic(path.join(this.dataDir, schoolFileName(schoolId)), body);
  }
}
