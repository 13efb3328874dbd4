/**
 * The main job, in one of two forms:
 * - `npm start`: the Temporal dev server on a SQLite file under the data folder;
 * - `npm run cluster` (`--cluster [--workers N]`): the real Temporal server on PostgreSQL, its
 *   services as separate processes (scripts/lib/temporal-cluster/), and N case workers (default
 *   2), everything under `<data folder>/cluster/` so it never mixes with the dev server's data.
 * Then the same for both: the case worker(s) and the web application under supervisors that
 * restart them with backoff when they die, a short workflow to check the stack, the daily
 * detection schedule, demo data on first start, and where everything is. Runs until Ctrl-C
 * (SIGINT), SIGTERM or SIGHUP, then stops the web application, the workers and the server
 * cleanly. If the dev server itself dies, everything stops, because no worker can do anything
 * without it; a cluster's server process that dies is started again (the others carry on).
 */
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EXIT } from '../app/exit-codes';
import { loadOrCreateKeyRing } from '../app/payload-keys';
import { ConfigError, type Settings, parseSettings } from '../app/settings';
import { CODEC_PATH } from '../web/routes/codec-routes';
import { connectClient } from '../app/temporal';
import { describeExit, spawnGroup } from './lib/child-processes';
import { startDevServer, type DevServer } from './lib/dev-server';
import { Supervisor } from './lib/supervisor';
import { PROJECT_ROOT } from './lib/tools';
import { stackCheckWorkflow } from '../workflows';
import { DEFAULT_DETECTION_HOUR, DETECTION_SCHEDULE_ID, ensureDetectionSchedule } from '../detection/daily-schedule';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { demoMarkerFile, loadDemoDataOnFirstStart } from './lib/demo-data';
import { prepareDemoSignIn } from './lib/demo-users';
import { takeDemoSteps } from './lib/demo-steps';
import { existsSync } from 'node:fs';
import { DatabaseError, openMigratedDatabase } from '../app/database/database';
import { resolveDatabaseUrl } from '../app/database/database-url';
import { type SchoolDirectory, SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { TriggerLedgerError } from '../detection/trigger-ledger';
import { RegistrationStoreError } from '../intake/registration-store';
import { loadSchoolDirectoryIntoDatabase } from '../detection/school-directory-store';
import { type JsonStoreFolders, describeJsonStoreImport, hasJsonStores, importJsonStores } from '../cli/json-store-import';
import { type LocalCluster, startLocalCluster } from './lib/temporal-cluster/local-cluster';
import { type ChildExit } from './lib/child-processes';

/** An error that ends the main job with its own exit code. */
class StartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The settings (app/settings.ts) from `env`; a bad one ends the main job with exit code 6. */
function loadStartSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  try {
    return parseSettings(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new StartError(err.message, EXIT.badConfiguration);
    throw err;
  }
}

async function assertPortFree(portNumber: number, variable: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const server = createServer();
    server.once('error', () =>
      fail(
        new StartError(
          `Port ${portNumber} er allerede i bruk (kjører en annen Temporal-utviklingsserver?). Stopp den eller sett ${variable} til en ledig port.`,
          EXIT.badConfiguration,
        ),
      ),
    );
    server.listen(portNumber, '127.0.0.1', () => server.close(() => ok()));
  });
}

/**
 * Migrates the database, loads the school directory into it and imports the old JSON stores when
 * there are any. A database that cannot be used ends the main job (exit 10), an invalid school
 * directory too (exit 6), and a damaged old JSON store (exit 4, nothing imported).
 */
async function prepareDatabase(url: string, schoolsConfig: string, legacy: JsonStoreFolders): Promise<SchoolDirectory> {
  let directory;
  try {
    directory = await loadSchoolDirectory(schoolsConfig);
  } catch (err) {
    if (err instanceof SchoolDirectoryError) throw new StartError(err.message, EXIT.badConfiguration);
    throw err;
  }
  let database;
  try {
    database = await openMigratedDatabase(url);
  } catch (err) {
    if (err instanceof DatabaseError) throw new StartError(err.message, EXIT.databaseUnavailable);
    throw err;
  }
  try {
    console.log(`Databasen: ${database.description} (skjemaet er oppdatert).`);
    const sync = await loadSchoolDirectoryIntoDatabase(database, directory, schoolsConfig);
    console.log(
      `Skolekatalogen ${schoolsConfig}: ${directory.schoolIds().length} skoler i databasen` +
        ` (${sync.added.length} nye, ${sync.changed.length} endret, ${sync.removed.length} fjernet).`,
    );
    if (hasJsonStores(legacy)) {
      try {
        console.log(describeJsonStoreImport(await importJsonStores(database, legacy)));
      } catch (err) {
        // Nothing was written: every old file is checked first. The user fixes or moves the file.
        if (err instanceof RegistrationStoreError || err instanceof TriggerLedgerError) {
          throw new StartError(
            `De gamle JSON-lagrene ble ikke importert, og ingenting er endret: ${err.message}. Rett filen eller flytt den bort, og start på nytt.`,
            EXIT.badFile,
          );
        }
        throw err;
      }
    }
    return directory;
  } finally {
    await database.close();
  }
}

/** Time the worker gets to finish what it is doing after SIGINT before it is killed. */
const WORKER_GRACE_MS = 30_000;

/** Which Temporal the main job runs on. */
type StartMode = { kind: 'dev' } | { kind: 'cluster'; workers: number };

/** Reads `--cluster [--workers N]`; anything else is a bad argument (exit 2) naming the value. */
function parseStartMode(args: readonly string[]): StartMode {
  let cluster = false;
  let workers = 2;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--cluster') cluster = true;
    else if (arg === '--workers') {
      const value = args[++i] ?? '';
      if (!/^[1-9][0-9]?$/.test(value)) {
        throw new StartError(`--workers må være et helt tall fra 1 til 99 (antall saksarbeidere), fikk «${value}»`, EXIT.usage);
      }
      workers = Number(value);
    } else throw new StartError(`Ukjent argument «${arg}»; bruk «npm start» eller «npm run cluster -- --workers N»`, EXIT.usage);
  }
  if (!cluster && args.includes('--workers'))
    throw new StartError('--workers gjelder bare klyngen: «npm run cluster -- --workers N»', EXIT.usage);
  return cluster ? { kind: 'cluster', workers } : { kind: 'dev' };
}

/** The Temporal the main job started: where it is, how it is stopped, what to tell the user. */
interface StartedTemporal {
  address: string;
  namespace: string;
  /** Lines for the «Klar.» summary. */
  summary: string[];
  stop(): Promise<void>;
}

/** The namespace a cluster gets when TEMPORAL_NAMESPACE is not set (a real server has no `default`). */
const CLUSTER_NAMESPACE = 'skolefravaer';

/**
 * Starts PostgreSQL and the Temporal services under `<data folder>/cluster/`, then gives the
 * settings every process of the cluster runs on: its own data folder, the school's database on
 * the cluster's PostgreSQL (unless DATABASE_URL is set), the frontend's address and the namespace.
 */
async function startCluster(base: Settings): Promise<{ cluster: LocalCluster; env: NodeJS.ProcessEnv }> {
  const dir = resolve(PROJECT_ROOT, base.dataDir, 'cluster');
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || CLUSTER_NAMESPACE;
  console.log(`Starter PostgreSQL og Temporal-serverens tjenester (tilstanden lagres i ${dir}) ...`);
  let cluster: LocalCluster;
  try {
    cluster = await startLocalCluster({
      dir,
      keepData: true,
      namespace,
      searchAttributes: caseSearchAttributes,
      frontendPort: base.devServer.port,
      log: (line) => console.log(`  ${line}`),
    });
  } catch (err) {
    throw new StartError(err instanceof Error ? err.message : String(err), EXIT.temporalUnavailable);
  }
  const databaseUrl = process.env.DATABASE_URL?.trim() || (await cluster.ensureDatabase('skolefravaer'));
  const env = {
    ...process.env,
    DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: cluster.temporal.address,
    TEMPORAL_NAMESPACE: namespace,
  };
  return { cluster, env };
}

async function run(mode: StartMode): Promise<void> {
  const base = loadStartSettings();
  await assertPortFree(base.devServer.port, 'TEMPORAL_DEV_PORT');
  if (mode.kind === 'dev') await assertPortFree(base.devServer.uiPort, 'TEMPORAL_UI_PORT');
  await assertPortFree(base.web.port, 'WEB_PORT');

  // A cluster first: its PostgreSQL holds the school's database too.
  const started = mode.kind === 'cluster' ? await startCluster(base) : undefined;
  const stopCluster = async () => started?.cluster.stop();
  let settings: Settings;
  try {
    settings = started ? loadStartSettings(started.env) : base;
  } catch (err) {
    await stopCluster();
    throw err;
  }
  const taskQueue = settings.temporal.taskQueue;
  const dataDir = resolve(PROJECT_ROOT, settings.dataDir);
  const fromRoot = (p: string) => resolve(PROJECT_ROOT, p);

  // The school's database first: its schema brought up to date, and the JSON stores of earlier
  // versions imported into it once, before anything reads or writes it.
  const databaseUrl = resolveDatabaseUrl(settings.databaseUrl, PROJECT_ROOT);
  // Read once here; the demo's steps and users below use the same directory.
  let schools: SchoolDirectory;
  try {
    schools = await prepareDatabase(databaseUrl, fromRoot(settings.schoolsConfig), {
      registrationsDir: fromRoot(settings.registrationsDir),
      ledgerDir: fromRoot(settings.detectionLedgerDir),
    });
  } catch (err) {
    await stopCluster();
    throw err;
  }

  // The keys before any process that seals or opens a case: made once here, so the workers and
  // the web application never race to make two.
  const payloadKeysFile = fromRoot(settings.temporal.payloadKeysFile);
  loadOrCreateKeyRing(payloadKeysFile);

  let temporal: StartedTemporal;
  let serverExited: Promise<ChildExit> | undefined;
  const logFile = resolve(dataDir, 'temporal-server.log');
  if (started) {
    const { cluster } = started;
    temporal = {
      address: cluster.temporal.address,
      namespace: cluster.temporal.namespace,
      summary: [
        `  PostgreSQL:           ${cluster.postgres.url} (Temporal: temporal ${cluster.schemas.temporal}, temporal_visibility ${cluster.schemas.visibility}; skolens database: ${databaseUrl})`,
        `  Temporal-tjenestene:  ${cluster.temporal.shards} historikk-shards; oppsett og logger i ${resolve(dataDir, 'temporal')}`,
        ...cluster.temporal.processes.map(
          (p) =>
            `    ${p.name.padEnd(12)}gRPC 127.0.0.1:${p.ports.grpcPort}, medlemskap ${p.ports.membershipPort}${p.ports.httpPort ? `, HTTP ${p.ports.httpPort}` : ''} (pid ${p.child?.pid ?? '–'})`,
        ),
        `  Navnerom:             ${cluster.temporal.namespace}`,
      ],
      stop: () => cluster.stop(),
    };
    // One service process that dies is started again; the others carry on meanwhile.
    cluster.temporal.onUnexpectedExit((ended) => {
      if (stopping) return;
      console.error(
        `Temporal-tjenesten ${ended.name} stoppet uventet (${describeExit(ended.exit)}); se ${ended.logFile}. Starter den på nytt om 2 s.`,
      );
      setTimeout(() => {
        if (!stopping) cluster.temporal.process(ended.name).start();
      }, 2_000);
    });
  } else {
    console.log(`Starter Temporal-utviklingsserveren (tilstanden lagres i ${dataDir}/temporal.db) ...`);
    let server: DevServer;
    try {
      server = await startDevServer({
        dbFile: resolve(dataDir, 'temporal.db'),
        logFile,
        port: settings.devServer.port,
        uiPort: settings.devServer.uiPort,
        codecEndpoint: `${settings.web.publicUrl}${CODEC_PATH}`,
        searchAttributes: caseSearchAttributes,
      });
    } catch (err) {
      throw new StartError(err instanceof Error ? err.message : String(err), EXIT.temporalUnavailable);
    }
    console.log(`Temporal-utviklingsserveren kjører (pid ${server.process.pid}).`);
    serverExited = server.exited;
    temporal = {
      address: server.address,
      namespace: settings.temporal.namespace,
      summary: [
        `  Temporal gRPC:        ${server.address}`,
        `  Temporal Web UI:      ${server.uiUrl ?? '(uten brukerflate)'}`,
        `                        sakene er kryptert; for å lese dem: logg inn som administrator i nettløsningen, og sett «Codec Server» i Web UI til ${settings.web.publicUrl}${CODEC_PATH} med «Include cross-origin credentials» (se README, «Security»)`,
      ],
      stop: () => server.stop(),
    };
  }

  // The workers and the web application read the same environment (so the same settings),
  // pointed at this server.
  const workerEnv = {
    ...(started?.env ?? process.env),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    PAYLOAD_KEYS_FILE: payloadKeysFile,
  };
  const workerCount = mode.kind === 'cluster' ? mode.workers : 1;
  // One Node process each (not the tsx launcher), so the pid logged and the exit code reported
  // are the worker's own.
  const workers = Array.from(
    { length: workerCount },
    (_, i) =>
      new Supervisor({
        label: workerCount === 1 ? 'Arbeideren (worker/main.ts)' : `Arbeider ${i + 1} (worker/main.ts)`,
        spawn: () => {
          const child = spawnGroup(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
            name: `arbeider ${i + 1}`,
            cwd: PROJECT_ROOT,
            env: workerEnv,
            stdio: 'inherit',
          });
          return { pid: child.pid, exited: child.exited, stop: () => child.stop({ signal: 'SIGINT', graceMs: WORKER_GRACE_MS }) };
        },
        log: (line) => console.log(line),
      }),
  );

  // The web application: its own process, supervised like the worker, on the same settings.
  const web = new Supervisor({
    label: 'Nettløsningen (web/main.ts)',
    spawn: () => {
      const child = spawnGroup(process.execPath, ['--import', 'tsx', 'web/main.ts'], {
        name: 'nettløsningen',
        cwd: PROJECT_ROOT,
        env: workerEnv,
        stdio: 'inherit',
      });
      return { pid: child.pid, exited: child.exited, stop: () => child.stop({ signal: 'SIGINT', graceMs: 10_000 }) };
    },
    log: (line) => console.log(line),
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(
      `\nStopper nettløsningen, ${workerCount === 1 ? 'arbeideren' : 'arbeiderne'} og ${started ? 'Temporal-tjenestene og PostgreSQL' : 'Temporal-utviklingsserveren'} ...`,
    );
    await web.stop();
    await Promise.all(workers.map((worker) => worker.stop()));
    await temporal.stop();
    console.log('Stoppet.');
    process.exit(code);
  };
  // The children run in process groups of their own, so a Ctrl-C in the terminal reaches only
  // this process, which stops them in order: the worker first, then the server it talks to.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(EXIT.ok));
  void serverExited?.then((exit) => {
    if (stopping) return;
    console.error(`Temporal-utviklingsserveren stoppet uventet (${describeExit(exit)}); se ${logFile}. Stopper alt.`);
    void stop(EXIT.temporalUnavailable);
  });
  for (const worker of workers) worker.start();

  try {
    // Prove the stack end to end before telling the user it is ready.
    const client = await connectClient({ address: temporal.address, namespace: temporal.namespace, payloadKeysFile });
    await client.workflow.execute(stackCheckWorkflow, {
      taskQueue,
      workflowId: `stack-check-${randomUUID()}`,
      args: [{ timer: '1 second', signalsRequired: 0 }],
    });
    const schedule = await ensureDetectionSchedule(client, { taskQueue });
    await client.connection.close();

    if (settings.demoData) {
      const demo = await loadDemoDataOnFirstStart({
        dataDir,
        databaseUrl,
        env: workerEnv,
        now: new Date(),
        log: (line) => console.log(line),
      });
      // Demo data that could not be loaded is reported, but the system itself runs.
      if (demo.kind === 'failed') console.error(`Demodataene ble ikke lastet inn: ${demo.reason}`);
      if (demo.kind === 'loaded') {
        // Some cases a few steps on, as the staff would take them, so the demo shows more than first steps.
        const moved = await takeDemoSteps({
          databaseUrl,
          archiveDir: fromRoot(settings.archiveDir),
          schools,
          temporal: { ...settings.temporal, address: temporal.address, namespace: temporal.namespace, payloadKeysFile },
          now: new Date(),
        });
        console.log(
          `Demoen tok ${moved.stepsTaken} steg i ${moved.casesMoved} saker, med dokumentene i arkivet, slik de ansatte ville gjort det.`,
        );
      }
    }
    // The demo's users once its people are in the directory (never without demo data).
    const signIn =
      settings.demoData && existsSync(demoMarkerFile(dataDir))
        ? await prepareDemoSignIn({
            databaseUrl,
            schools,
            temporal: { ...settings.temporal, address: temporal.address, namespace: temporal.namespace, payloadKeysFile },
          })
        : undefined;
    // Started last: by now the database holds the demo's users.
    web.start();

    console.log('');
    console.log('Klar.');
    for (const line of temporal.summary) console.log(line);
    if (started) {
      console.log(`  Temporal gRPC:        ${temporal.address}`);
      console.log(
        `  Kodek-endepunkt:      ${settings.web.publicUrl}${CODEC_PATH} (for en Temporal Web UI dere driver selv; se README, «Security»)`,
      );
      console.log(`  Saksarbeidere:        ${workerCount}`);
    }
    console.log(`  Nettløsningen:        ${settings.web.publicUrl}`);
    if (signIn) {
      console.log(`  Demobrukere (passord «${signIn.password}» for alle${signIn.created > 0 ? `, ${signIn.created} opprettet nå` : ''}):`);
      for (const u of signIn.users) console.log(`    ${u.role.padEnd(22)}${u.username}${u.note ? `  (${u.note})` : ''}`);
    }
    console.log(`  Oppgavekø:            ${taskQueue}`);
    console.log(`  Utboks:               ${fromRoot(settings.outboxDir)} (meldingene sakene sender)`);
    console.log(
      `  Fraværsdeteksjon:     tidsplanen «${DETECTION_SCHEDULE_ID}» ${schedule === 'created' ? 'opprettet' : 'oppdatert'}, daglig kl. ${DEFAULT_DETECTION_HOUR}:00 Europe/Oslo; skolene står i ${settings.schoolsConfig}`,
    );
    console.log(
      started
        ? '  Arbeiderne, nettløsningen og hver Temporal-tjeneste startes på nytt av seg selv hvis de stopper.'
        : '  Arbeideren og nettløsningen startes på nytt av seg selv hvis de stopper; serveren kjører videre.',
    );
    console.log('Åpne og følg saker fra en annen terminal, f.eks.:');
    if (started) {
      // The command-line tools read the same settings as the cluster's processes.
      const { env } = started;
      console.log(
        `  export DATA_DIR=${env.DATA_DIR} DATABASE_URL=${env.DATABASE_URL} TEMPORAL_ADDRESS=${temporal.address} TEMPORAL_NAMESPACE=${temporal.namespace}`,
      );
    }
    console.log('  npm run case -- list');
    console.log('  npm run case -- list --overdue');
    console.log('  npm run case -- procedures');
    console.log(
      '  npm run generate -- --pupils 1500 --seed 7 --out data/fravaer.csv && npm run intake -- import data/fravaer.csv --today 2025-10-15',
    );
    console.log('  npm run detect -- --today 2025-11-20');
    console.log(
      '  npm run case -- open --procedure tiltaksplan-elevfravaer --school S001 --pupil p1 --grade 9 --rule consecutive-days --dates 2026-09-01,2026-09-02,2026-09-03',
    );
    console.log('  npm run case -- show --school S001 --pupil p1');
    console.log('Trykk Ctrl-C for å stoppe.');
  } catch (err) {
    if (stopping) return;
    console.error(`Kontrollen av Temporal og arbeideren feilet: ${err instanceof Error ? err.message : String(err)}`);
    await stop(EXIT.temporalUnavailable);
  }
}

let mode: StartMode;
try {
  mode = parseStartMode(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(err instanceof StartError ? err.exitCode : EXIT.internalError);
}
run(mode).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(err instanceof StartError ? err.exitCode : EXIT.internalError);
});
