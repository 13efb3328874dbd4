/**
 * Demo data for the main job's first start: a new user who runs `npm start` on a fresh clone
 * sees open cases under all four procedures at once, instead of an empty list. Synthetic pupils
 * at one school per procedure are generated for the current school year, written as a CSV
 * export, and imported through the real intake command line, which stores the rows and runs
 * detection, so the cases open exactly as they would from a school's own file. Before that, a
 * synthetic people directory for the same pupils (names, guardians, staff; people/generate-people.ts)
 * is imported through the real people command line, so the messages of the opening cases reach
 * people instead of nobody.
 *
 * Loaded once: a marker file records it. A data folder that already holds registrations (the
 * user imported their own) gets no demo data, and `DEMO_DATA=off` turns it off.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openMigratedDatabase } from '../../app/database/database';
import { DEFAULT_SCHOOLS_CONFIG } from '../../app/settings';
import { loadSchoolDirectory } from '../../detection/school-directory';
import { type Pupil, generate, toCsv } from '../../intake/generate';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { generatePeople, toPeopleCsv } from '../../people/generate-people';
import { describeExit, spawnGroup } from './child-processes';
import { PROJECT_ROOT } from './tools';

/** One school of each procedure in the committed school directory (config/schools.json). */
export const DEMO_SCHOOL_IDS = ['S001', 'S006', 'S011', 'S016'] as const;
export const DEMO_PUPILS_PER_SCHOOL = 40;
export const DEMO_SEED = 7;
/** School years the committed school calendar covers (starting in August of these years). */
const COVERED_SCHOOL_YEARS = [2025, 2026] as const;

/** The file whose presence says the demo data has been loaded into this data folder. */
export const demoMarkerFile = (dataDir: string) => join(dataDir, 'demo-data.json');

/**
 * The school year to generate and the day to detect as of: the school year running on `now`
 * and today's date, when the school calendar covers it; otherwise the nearest covered school
 * year, detected as of a day in its autumn term, so the demo always has absence to show.
 */
export function demoSchoolYear(now: Date): { schoolYear: number; today: string } {
  const today = now.toISOString().slice(0, 10);
  const running = now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  const [first, last] = [COVERED_SCHOOL_YEARS[0], COVERED_SCHOOL_YEARS[COVERED_SCHOOL_YEARS.length - 1]!];
  if (running < first) return { schoolYear: first, today: `${first}-11-20` };
  if (running > last) return { schoolYear: last, today: `${last}-11-20` };
  return { schoolYear: running, today };
}

export type DemoDataResult =
  | { kind: 'loaded'; pupils: number; schoolYear: number; today: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; reason: string };

export interface DemoDataOptions {
  dataDir: string;
  /** The school's database, a relative SQLite file already resolved. */
  databaseUrl: string;
  /** Environment of the intake command (it finds Temporal through TEMPORAL_ADDRESS and the task queue). */
  env: NodeJS.ProcessEnv;
  now: Date;
  log: (line: string) => void;
}

/** Runs one of the project's command lines (cli/…) to its end, with its output. */
async function runCommand(
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; failure: string; output: string }> {
  const child = spawnGroup(process.execPath, ['--import', 'tsx', ...args], {
    name,
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = await child.exited;
  return { ok: exit.code === 0, failure: `${name}: ${describeExit(exit)}\n${output.trim()}`, output };
}

export type DemoPeopleResult =
  { kind: 'imported'; file: string; pupils: number; guardians: number; staff: number } | { kind: 'failed'; reason: string };

/**
 * Writes the demo's people directory for `pupils` to `<dataDir>/demo/personer.csv` and imports it
 * through the real command line (cli/people.ts). Guardians are written to in the written standard
 * of their school's municipality, as the school directory (SCHOOLS_CONFIG in `env`, else
 * config/schools.json) gives it.
 */
export async function importDemoPeople(
  options: Pick<DemoDataOptions, 'dataDir' | 'databaseUrl' | 'env' | 'log'>,
  pupils: readonly Pupil[],
): Promise<DemoPeopleResult> {
  const schoolsConfig = resolve(PROJECT_ROOT, options.env.SCHOOLS_CONFIG ?? DEFAULT_SCHOOLS_CONFIG);
  let directory;
  try {
    directory = await loadSchoolDirectory(schoolsConfig);
  } catch (err) {
    return { kind: 'failed', reason: `personkatalogen kunne ikke lages: ${(err as Error).message}` };
  }
  const people = generatePeople({
    pupils,
    seed: DEMO_SEED,
    writtenStandardOf: (schoolId) => directory.get(schoolId)?.writtenStandard ?? 'bokmal',
  });
  const demoDir = join(options.dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const file = join(demoDir, 'personer.csv');
  writeFileSync(file, toPeopleCsv(people));
  const run = await runCommand('personimporten', ['cli/people.ts', 'import', file, '--database', options.databaseUrl], options.env);
  if (!run.ok) return { kind: 'failed', reason: run.failure };
  options.log(
    `Personkatalogen for demoen er importert fra ${file}: ${people.pupils.length} elever, ${people.guardians.length} foresatte og ${people.staff.length} ansatte.`,
  );
  return { kind: 'imported', file, pupils: people.pupils.length, guardians: people.guardians.length, staff: people.staff.length };
}

/** Loads the demo data unless it was loaded before or the user's own registrations are there. */
export async function loadDemoDataOnFirstStart(options: DemoDataOptions): Promise<DemoDataResult> {
  if (existsSync(demoMarkerFile(options.dataDir))) return { kind: 'skipped', reason: 'demodataene er lastet inn før' };
  const database = await openMigratedDatabase(options.databaseUrl);
  const stored = await new SqlRegistrationStore(database).count().finally(() => database.close());
  if (stored > 0) return { kind: 'skipped', reason: `databasen har allerede ${stored} registreringer` };

  const { schoolYear, today } = demoSchoolYear(options.now);
  const pupils = DEMO_SCHOOL_IDS.length * DEMO_PUPILS_PER_SCHOOL;
  const data = generate({ pupils, seed: DEMO_SEED, schoolYear, pupilsPerSchool: DEMO_PUPILS_PER_SCHOOL, schoolIds: DEMO_SCHOOL_IDS });
  const demoDir = join(options.dataDir, 'demo');
  mkdirSync(demoDir, { recursive: true });
  const file = join(demoDir, 'fravaer.csv');
  writeFileSync(file, toCsv(data.registrations));
  options.log(
    `Første oppstart: laster inn demodata (${pupils} syntetiske elever ved ${DEMO_SCHOOL_IDS.join(', ')}, skoleåret ${schoolYear}/${String((schoolYear + 1) % 100).padStart(2, '0')}, fravær per ${today}) ...`,
  );

  // The people first: the cases the intake opens send their first messages at once.
  const people = await importDemoPeople(options, data.pupils);
  if (people.kind === 'failed') return people;

  const intake = await runCommand(
    'fraværsimporten',
    ['cli/intake.ts', 'import', file, '--today', today, '--database', options.databaseUrl],
    options.env,
  );
  if (!intake.ok) return { kind: 'failed', reason: intake.failure };
  for (const line of intake.output.trim().split('\n').slice(-6)) options.log(`  ${line}`);
  writeFileSync(
    demoMarkerFile(options.dataDir),
    `${JSON.stringify({ loadedAt: options.now.toISOString(), file, peopleFile: people.file, pupils, seed: DEMO_SEED, schoolYear, today, schools: DEMO_SCHOOL_IDS }, null, 2)}\n`,
  );
  return { kind: 'loaded', pupils, schoolYear, today };
}
