/**
 * The detect command line: every refusal in Norwegian naming the bad value, exit codes from the
 * project's one table (app/exit-codes.ts), a --school the directory does not know refused before
 * anything is delivered, a run's summary naming the schools it could not evaluate, a repeated
 * run delivering nothing, a damaged ledger record named, and a database that cannot be opened. Temporal is replaced by the fake
 * dispatcher, or by a connection that fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseClient } from '../../app/case-client';
import { EXIT } from '../../app/exit-codes';
import { DETECT_USAGE, runDetectCli } from '../../cli/detect';
import { type TemporalAccess, detectAndDeliver } from '../../detection/detect-and-deliver';
import { deliveryKey } from '../../detection/dispatch-plan';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { type AppDatabase, openMigratedDatabase } from '../../app/database/database';
import { FakeDispatcher, calendarConfig, whole } from './fixtures';

let dir: string;
let schoolsConfig: string;
let databaseUrl: string;
let database: AppDatabase;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'detect-cli-'));
  schoolsConfig = path.join(dir, 'skoler.json');
  databaseUrl = `sqlite:${path.join(dir, 'skole.sqlite')}`;
  await writeFile(
    schoolsConfig,
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [
        { schoolId: 'S001', name: 'Testskolen', municipality: 'test' },
        { schoolId: 'S002', name: 'Andre skole', municipality: 'test' },
      ],
    }),
    'utf8',
  );
  database = await openMigratedDatabase(databaseUrl);
  await new SqlRegistrationStore(database).upsert(['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { schoolId: 'S001' })));
});
afterEach(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

const unreachable: TemporalAccess = { connect: () => Promise.reject(new Error('connection refused 127.0.0.1:1')) };

function fakeTemporal(dispatcher: FakeDispatcher): TemporalAccess {
  return {
    connect: async () => ({
      // The fake dispatcher stands in for every use of the case client.
      cases: undefined as unknown as CaseClient,
      address: 'falsk',
      close: async () => {},
      dispatcher,
    }),
  };
}

async function cli(args: string[], temporal: TemporalAccess = unreachable) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDetectCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, temporal);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The options every run in a temporary directory needs. */
const dirs = () => ['--database', databaseUrl, '--schools-config', schoolsConfig];

test('--help shows the usage with the exit codes from the project table (issue 10.19)', async () => {
  const result = await cli(['--help']);
  expect(result).toMatchObject({ code: EXIT.ok, out: DETECT_USAGE });
  expect(DETECT_USAGE).toContain(`  ${EXIT.notFound}  saken, skolen eller rutinen finnes ikke`);
  expect(DETECT_USAGE).toContain(`  ${EXIT.temporalUnavailable}  Temporal kunne ikke nås`);
});

test.each([
  [['--foo'], 'Ukjent valg «--foo».'],
  [['--today'], 'Valget «--today» mangler verdi.'],
  [['--help=ja'], 'Valget «-h, --help» tar ingen verdi.'],
  [['--today', '2026-02-30'], '--today må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke «2026-02-30».'],
  [['--today', '20.05.2026'], '--today må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke «20.05.2026».'],
  [['kjør'], 'Uventet argument «kjør»: detect tar bare valg.'],
  [['--school', 'skole-1'], '--school: skole-id «skole-1» er ugyldig'],
  [['--school', ''], '--school: skole-id mangler.'],
  [['--database', 'registreringer/'], '--database må begynne med sqlite: (en fil) eller postgres:// (en PostgreSQL-server).'],
  [['--schools-config', ' '], '--schools-config kan ikke være tom.'],
])('%j is refused with exit code 2 (usage) and a Norwegian message naming the value (issue 10.19)', async (args, message) => {
  const result = await cli(args);
  expect(result.code).toBe(EXIT.usage);
  expect(result.err.split('\n')[0]).toContain(message);
  expect(result.err).toContain('Bruk: npm run detect');
});

test('a --school that is not in the school directory exits 8 (not found), naming it and the known schools, before anything is delivered (issue 10.19)', async () => {
  const dispatcher = new FakeDispatcher();
  const result = await cli([...dirs(), '--today', '2026-05-07', '--school', 'S001', '--school', 'S999'], fakeTemporal(dispatcher));
  expect(result.code).toBe(EXIT.notFound);
  expect(result.err).toBe(
    `Fraværsdeteksjonen ble ikke kjørt: skolen «S999» står ikke i skolekatalogen ${schoolsConfig}. Skolene i katalogen: S001, S002.`,
  );
  expect(dispatcher.triggers).toHaveLength(0);
});

test('an invalid school directory exits 6 with the field and the value in Norwegian (issue 10.19)', async () => {
  await writeFile(schoolsConfig, JSON.stringify({ formatVersion: 2, municipalities: {}, schools: [] }), 'utf8');
  const result = await cli([...dirs(), '--today', '2026-05-07']);
  expect(result.code).toBe(EXIT.badConfiguration);
  expect(result.err).toContain(`Fraværsdeteksjonen ble ikke kjørt: Ugyldig skolekatalog (${schoolsConfig}):`);
  expect(result.err).toContain('formatVersion: må være 1 (fikk «2»)');
  expect(result.err).toContain('schools: katalogen må ha minst én skole');
});

test('Temporal out of reach exits 5 and says what to do (issue 10.19)', async () => {
  const result = await cli([...dirs(), '--today', '2026-05-07']);
  expect(result.code).toBe(EXIT.temporalUnavailable);
  expect(result.err).toContain('Sakene ble ikke oppdatert: får ikke kontakt med Temporal (connection refused 127.0.0.1:1)');
});

test('a run opens the case and names the school the directory lacks; the repeated run delivers nothing; exit 0 (issue 10.2, 10.8)', async () => {
  await new SqlRegistrationStore(database).upsert(
    ['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { schoolId: 'S777', pupilId: 'elev-7' })),
  );
  const dispatcher = new FakeDispatcher();
  const first = await cli([...dirs(), '--today', '2026-05-07'], fakeTemporal(dispatcher));
  expect(first.code).toBe(EXIT.ok);
  expect(first.out.split('\n')).toEqual([
    'Fraværsdeteksjon for 2026-05-07: 1 skoler vurdert (1 ikke vurdert), 1 nye saker, 0 nye utløsere til åpne saker, 0 slått sammen, 0 trender sendt.',
    '  Ikke vurdert: skole «S777» – skolen står ikke i skolekatalogen, så ingen sak er åpnet eller oppdatert (3 registreringer).',
  ]);
  expect(first.err).toContain('Skole «S777»: ikke vurdert – skolen står ikke i skolekatalogen');
  expect(dispatcher.started.map(deliveryKey)).toEqual(['S001/elev-1']);

  const second = await cli([...dirs(), '--today', '2026-05-07'], fakeTemporal(dispatcher));
  expect(second.code).toBe(EXIT.ok);
  expect(second.out.split('\n')[0]).toContain('0 nye saker, 0 nye utløsere til åpne saker, 0 slått sammen, 0 trender sendt.');
  expect(dispatcher.triggers).toHaveLength(1);
});

test('a damaged ledger record is named; exit 1; removing it lets the run go on without sending anything twice (issue 10.19)', async () => {
  const dispatcher = new FakeDispatcher();
  expect((await cli([...dirs(), '--today', '2026-05-07'], fakeTemporal(dispatcher))).code).toBe(EXIT.ok);
  await database.db.updateTable('detection_ledger').set({ record: '{ "pupilId": ' }).where('school_id', '=', 'S001').execute();
  const result = await cli([...dirs(), '--today', '2026-05-07'], fakeTemporal(dispatcher));
  expect(result.code).toBe(EXIT.internalError);
  expect(result.err).toContain('Fraværsdeteksjonen stoppet:');
  expect(result.err).toContain('S001');
  expect(result.err).toContain('Slett den skadde raden i detection_ledger');
  await database.db.deleteFrom('detection_ledger').where('school_id', '=', 'S001').execute();
  expect((await cli([...dirs(), '--today', '2026-05-07'], fakeTemporal(dispatcher))).code).toBe(EXIT.ok);
  expect(dispatcher.started).toHaveLength(1); // the open case took the repeated trigger as already applied
});

test('a database that cannot be reached exits 10 before anything is delivered, naming it without its password', async () => {
  const dispatcher = new FakeDispatcher();
  const result = await cli(
    ['--database', 'postgres://app:hemmelig@127.0.0.1:1/skole', '--schools-config', schoolsConfig, '--today', '2026-05-07'],
    fakeTemporal(dispatcher),
  );
  expect(result.code).toBe(EXIT.databaseUnavailable);
  expect(result.err).toContain('Fraværsdeteksjonen ble ikke kjørt: Databasen (PostgreSQL postgres://app:***@127.0.0.1:1/skole)');
  expect(result.err).not.toContain('hemmelig');
  expect(dispatcher.triggers).toHaveLength(0);
});

test('a school another run holds for too long stops the run with exit 1, naming the school and the other run; nothing is delivered for it', async () => {
  await database.db
    .insertInto('detection_locks')
    .values({ school_id: 'S001', holder: 'annen-vert:4242:abc', expires_at: new Date(Date.now() + 3_600_000).toISOString() })
    .execute();
  const dispatcher = new FakeDispatcher();
  const out: string[] = [];
  const err: string[] = [];
  const code = await detectAndDeliver(
    { databaseUrl, schoolsConfig, today: '2026-05-07', schoolLockWaitMs: 300 },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    fakeTemporal(dispatcher),
  );
  expect(code).toBe(EXIT.internalError);
  expect(err.join('\n')).toContain('Fraværsdeteksjonen stoppet:');
  expect(err.join('\n')).toContain('S001');
  expect(err.join('\n')).toContain('annen-vert:4242:abc');
  expect(dispatcher.triggers).toHaveLength(0);
});
