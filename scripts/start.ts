/**
 * The main job: starts the Temporal dev server on a SQLite file under the data folder, starts
 * the case worker against it under a supervisor that restarts it with backoff when it dies,
 * checks the stack with a short workflow and prints where the Temporal Web UI is. Runs until
 * Ctrl-C (SIGINT), SIGTERM or SIGHUP, then stops the worker and the server cleanly; if the dev
 * server itself dies, everything stops, because no worker can do anything without it.
 */
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EXIT } from '../app/exit-codes';
import { loadOrCreateKeyRing } from '../app/payload-keys';
import { ConfigError, loadSettings } from '../app/settings';
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

/** An error that ends the main job with its own exit code. */
class StartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The settings (app/settings.ts); a bad one ends the main job with exit code 6. */
function loadStartSettings() {
  try {
    return loadSettings();
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

async function run(): Promise<void> {
  const settings = loadStartSettings();
  const taskQueue = settings.temporal.taskQueue;
  const dataDir = resolve(PROJECT_ROOT, settings.dataDir);
  const fromRoot = (p: string) => resolve(PROJECT_ROOT, p);
  await assertPortFree(settings.devServer.port, 'TEMPORAL_DEV_PORT');
  await assertPortFree(settings.devServer.uiPort, 'TEMPORAL_UI_PORT');
  await assertPortFree(settings.web.port, 'WEB_PORT');

  // The school's database first: its schema brought up to date, and the JSON stores of earlier
  // versions imported into it once, before anything reads or writes it.
  const databaseUrl = resolveDatabaseUrl(settings.databaseUrl, PROJECT_ROOT);
  // Read once here; the demo's steps and users below use the same directory.
  const schools = await prepareDatabase(databaseUrl, fromRoot(settings.schoolsConfig), {
    registrationsDir: fromRoot(settings.registrationsDir),
    ledgerDir: fromRoot(settings.detectionLedgerDir),
  });

  // The keys before any process that seals or opens a case: made once here, so the worker and the
  // web application never race to make two.
  const payloadKeysFile = fromRoot(settings.temporal.payloadKeysFile);
  loadOrCreateKeyRing(payloadKeysFile);

  const logFile = resolve(dataDir, 'temporal-server.log');
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

  // The worker reads the same environment (so the same settings), pointed at this server.
  const workerEnv = { ...process.env, TEMPORAL_ADDRESS: server.address, PAYLOAD_KEYS_FILE: payloadKeysFile };
  // One Node process (not the tsx launcher), so the pid logged and the exit code reported are
  // the worker's own.
  const worker = new Supervisor({
    label: 'Arbeideren (worker/main.ts)',
    spawn: () => {
      const child = spawnGroup(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        name: 'arbeideren',
        cwd: PROJECT_ROOT,
        env: workerEnv,
        stdio: 'inherit',
      });
      return { pid: child.pid, exited: child.exited, stop: () => child.stop({ signal: 'SIGINT', graceMs: WORKER_GRACE_MS }) };
    },
    log: (line) => console.log(line),
  });

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
    console.log('\nStopper nettløsningen, arbeideren og Temporal-utviklingsserveren ...');
    await web.stop();
    await worker.stop();
    await server.stop();
    console.log('Stoppet.');
    process.exit(code);
  };
  // The children run in process groups of their own, so a Ctrl-C in the terminal reaches only
  // this process, which stops them in order: the worker first, then the server it talks to.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(EXIT.ok));
  void server.exited.then((exit) => {
    if (stopping) return;
    console.error(`Temporal-utviklingsserveren stoppet uventet (${describeExit(exit)}); se ${logFile}. Stopper alt.`);
    void stop(EXIT.temporalUnavailable);
  });
  worker.start();

  try {
    // Prove the stack end to end before telling the user it is ready.
    const client = await connectClient({ address: server.address, namespace: 'default', payloadKeysFile });
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
          temporal: { ...settings.temporal, address: server.address, payloadKeysFile },
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
            temporal: { ...settings.temporal, address: server.address, payloadKeysFile },
          })
        : undefined;
    // Started last: by now the database holds the demo's users.
    web.start();

    console.log('');
    console.log('Klar.');
    console.log(`  Temporal gRPC:        ${server.address}`);
    console.log(`  Temporal Web UI:      ${server.uiUrl ?? '(uten brukerflate)'}`);
    console.log(
      `                        sakene er kryptert; for å lese dem: logg inn som administrator i nettløsningen, og sett «Codec Server» i Web UI til ${settings.web.publicUrl}${CODEC_PATH} med «Include cross-origin credentials» (se README, «Security»)`,
    );
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
    console.log('  Arbeideren og nettløsningen startes på nytt av seg selv hvis de stopper; serveren kjører videre.');
    console.log('Åpne og følg saker fra en annen terminal, f.eks.:');
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

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(err instanceof StartError ? err.exitCode : EXIT.internalError);
});
