/**
 * Issue 12, points 3 and 5, on SQLite and on a real PostgreSQL, with the real intake command in
 * processes of their own:
 * - two imports and a detection run at the same time lose nothing and count nothing twice: every
 *   row is stored once, each row counts as new in exactly one of the imports, and every pupil's
 *   case is opened once;
 * - an import killed (SIGKILL) at any moment leaves all of its rows or none.
 */
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../app/database/database';
import { deliveryKey } from '../../detection/dispatch-plan';
import { runDetection } from '../../detection/run-detection';
import { SqlSchoolLocks } from '../../detection/school-locks';
import { loadSchoolDirectory } from '../../detection/school-directory';
import { SqlTriggerLedger } from '../../detection/trigger-ledger';
import { toCsv } from '../../intake/generate';
import type { Registration } from '../../intake/registration-schema';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { spawnGroup } from '../../scripts/lib/child-processes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { FakeDispatcher, calendarConfig, whole } from '../detection/fixtures';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();
const DAYS = ['2026-05-05', '2026-05-06', '2026-05-07'];
const TODAY = '2026-05-07';

let dir: string;
let schoolsConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'concurrent-imports-'));
  schoolsConfig = path.join(dir, 'skoler.json');
  await writeFile(
    schoolsConfig,
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [{ schoolId: 'S001', name: 'Testskolen', municipality: 'test' }],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Pupils `from`..`to`-1 of S001, each absent three school days in a row. */
const absent = (from: number, to: number): Registration[] =>
  Array.from({ length: to - from }, (_, i) => `elev-${String(from + i).padStart(5, '0')}`).flatMap((pupilId) =>
    DAYS.map((date) => whole(date, { schoolId: 'S001', pupilId, grade: 7 })),
  );

async function csvFile(name: string, registrations: readonly Registration[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, toCsv(registrations));
  return file;
}

/** Starts `npm run intake -- import` as its own process; resolves with its exit code and output. */
function startImport(file: string, databaseUrl: string, onLine?: (line: string) => void) {
  const child = spawnGroup(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/intake.ts',
      'import',
      file,
      '--database',
      databaseUrl,
      '--schools-config',
      schoolsConfig,
      '--no-detect',
      '--progress-every',
      '1000000',
    ],
    { name: 'importen', cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line.trim()) onLine?.(line);
  };
  child.process.stdout?.on('data', collect);
  child.process.stderr?.on('data', collect);
  return { child, done: child.exited.then((exit) => ({ exit, output })) };
}

/** The counts an import printed: new, changed, unchanged. */
function countsOf(output: string): { inserted: number; updated: number; unchanged: number } {
  const match = /nye: ([\d\s ]+), endret: ([\d\s ]+), uendret: ([\d\s ]+)\)/.exec(output);
  if (!match) throw new Error(`Fant ingen oppsummering i:\n${output}`);
  const n = (text: string) => Number(text.replace(/\D/g, ''));
  return { inserted: n(match[1]!), updated: n(match[2]!), unchanged: n(match[3]!) };
}

describe.each(databases)('$name', ({ newUrl }) => {
  test('two imports and a detection run at the same time: every row stored once, counted new once, every case opened once', async () => {
    const url = await newUrl();
    const [a, b] = [await csvFile('a.csv', absent(0, 300)), await csvFile('b.csv', absent(150, 450))];
    const database = openDatabase(url);
    const dispatcher = new FakeDispatcher();
    try {
      const directory = await loadSchoolDirectory(schoolsConfig);
      const detect = () =>
        runDetection({
          store: new SqlRegistrationStore(database),
          directory,
          ledger: new SqlTriggerLedger(database),
          locks: new SqlSchoolLocks(database),
          dispatcher,
          today: TODAY,
          schoolIds: ['S001'],
        });
      const imports = [startImport(a, url), startImport(b, url)];
      const [first, second, during] = await Promise.all([imports[0]!.done, imports[1]!.done, detect()]);
      expect([first.exit.code, second.exit.code]).toEqual([0, 0]);
      const [ca, cb] = [countsOf(first.output), countsOf(second.output)];
      expect(ca.inserted + cb.inserted).toBe(450 * 3);
      expect(ca.unchanged + cb.unchanged).toBe(150 * 3);
      expect(ca.updated + cb.updated).toBe(0);
      expect(await new SqlRegistrationStore(database).count()).toBe(450 * 3);

      // Whatever the run during the imports saw, the run after them delivers the rest, and no case twice.
      const after = await detect();
      expect(during.opened + after.opened).toBe(450);
      const opened = dispatcher.started.map(deliveryKey);
      expect(new Set(opened).size).toBe(opened.length);
      expect(opened).toHaveLength(450);
    } finally {
      await database.close();
    }
  }, 180_000);

  test('an import killed at any moment leaves all of its rows or none; run again it stores them all', async () => {
    const url = await newUrl();
    const rows = absent(0, 5000);
    const file = await csvFile('big.csv', rows);
    const database = openDatabase(url);
    try {
      for (const delayMs of [0, 300, 900]) {
        let killed = false;
        const run = startImport(file, url, (line) => {
          // The last progress line: every row is read, the database work starts now.
          if (!killed && line.includes(`Lest ${rows.length.toLocaleString('nb-NO')} rader`)) {
            killed = true;
            setTimeout(() => run.child.signal('SIGKILL'), delayMs);
          }
        });
        const { exit } = await run.done;
        const stored = await new SqlRegistrationStore(database).count();
        expect({ delayMs, stored: stored === 0 || stored === rows.length }).toEqual({ delayMs, stored: true });
        if (exit.signal === null) break; // it finished before the kill: nothing more to learn from later delays
      }
      const last = await startImport(file, url).done;
      expect(last.exit.code).toBe(0);
      expect(await new SqlRegistrationStore(database).count()).toBe(rows.length);
    } finally {
      await database.close();
    }
  }, 180_000);
});
