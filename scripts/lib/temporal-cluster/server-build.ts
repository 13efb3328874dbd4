/**
 * The pinned Temporal server and its SQL schema tool, built from the Go module proxy into
 * `.tools/temporal-server/` by scripts/install-temporal-server.sh (idempotent: a few minutes the
 * first time, a file check after). `npm run cluster`, the cluster test and the benchmark call
 * `ensureTemporalServer` before they start a cluster.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../tools';

/** The server version the script builds. */
export const TEMPORAL_SERVER_VERSION = '1.32.0';

export interface TemporalServerBuild {
  /** The server binary (`temporal-server --config-file F start --service S`). */
  server: string;
  /** The SQL schema tool (`temporal-sql-tool --plugin postgres12 …`). */
  sqlTool: string;
  /** `schema/postgresql/v12/{temporal,visibility}/versioned` of the same version. */
  postgresSchemaDir: string;
}

const installDir = resolve(PROJECT_ROOT, '.tools', 'temporal-server');

export const temporalServerBuild: TemporalServerBuild = {
  server: resolve(installDir, 'bin', 'temporal-server'),
  sqlTool: resolve(installDir, 'bin', 'temporal-sql-tool'),
  postgresSchemaDir: resolve(installDir, 'schema', 'postgresql', 'v12'),
};

/**
 * Builds the pinned server when it is not there yet (the script's own check makes this a file
 * check afterwards). `log` gets the script's output as it comes; a failed build throws with it.
 */
export function ensureTemporalServer(log: (text: string) => void = () => undefined): Promise<TemporalServerBuild> {
  return new Promise((done, fail) => {
    const child = execFile('bash', [resolve(PROJECT_ROOT, 'scripts', 'install-temporal-server.sh')], {
      cwd: PROJECT_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    let output = '';
    const take = (chunk: Buffer | string) => {
      output += String(chunk);
      log(String(chunk));
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', (err) => fail(new Error(`Bygget av Temporal-serveren kunne ikke startes: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) done(temporalServerBuild);
      else
        fail(
          new Error(
            `Bygget av Temporal-serveren ${TEMPORAL_SERVER_VERSION} feilet (avslutningskode ${code}):\n${output.trim().slice(-4_000)}`,
          ),
        );
    });
  });
}
