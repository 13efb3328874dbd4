/**
 * Runs the web application (`npm start` starts it next to the worker; `npm run web` alone):
 * connects to Temporal and the school's database with the settings (app/settings.ts), listens on
 * WEB_HOST:WEB_PORT and stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { CaseClient } from '../app/case-client';
import { openMigratedDatabase } from '../app/database/database';
import { resolveDatabaseUrl } from '../app/database/database-url';
import { EXIT } from '../app/exit-codes';
import { AesGcmPayloadCodec } from '../app/payload-codec';
import { loadSettings } from '../app/settings';
import { keyRingOf } from '../app/temporal';
import { loadSchoolDirectory } from '../detection/school-directory';
import { OidcClient } from './auth/oidc-client';
import { loadOpenIdClient } from './auth/openid-client';
import { composeWebDependencies } from './compose';
import { buildWebServer } from './server';
import { loadOrCreateSessionKey } from './session-key';
import { DEMO_PASSWORD } from './users/demo-users';

async function main(): Promise<void> {
  const settings = loadSettings();
  const root = process.cwd();
  const database = await openMigratedDatabase(resolveDatabaseUrl(settings.databaseUrl, root));
  const schools = await loadSchoolDirectory(resolve(root, settings.schoolsConfig));
  const cases = await CaseClient.connect(settings.temporal);
  // The key file read once here for the codec endpoint and the audit's pseudonyms.
  const ring = keyRingOf(settings.temporal);
  const deps = composeWebDependencies({
    cases,
    database,
    archiveDir: resolve(root, settings.archiveDir),
    schools,
    pseudonymKey: ring.caseIdKey,
  });
  const app = await buildWebServer(deps, {
    sessionKey: loadOrCreateSessionKey(resolve(root, settings.web.sessionKeyFile)),
    secureCookies: settings.web.publicUrl.startsWith('https:'),
    ...(settings.web.oidc ? { oidc: { client: new OidcClient(settings.web.oidc, await loadOpenIdClient()), users: deps.userStore } } : {}),
    codec: { codec: new AesGcmPayloadCodec(ring), allowedOrigins: settings.web.temporalUiOrigins },
    ...(settings.demoData ? { demoHint: `Demo: logg inn med en av demobrukerne i README, passord «${DEMO_PASSWORD}».` } : {}),
  });
  await app.listen({ host: settings.web.host, port: settings.web.port });
  console.log(`Nettløsningen kjører på ${settings.web.publicUrl}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await cases.close();
    await database.close();
    process.exit(EXIT.ok);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
}

main().catch((err: unknown) => {
  console.error(`Nettløsningen kunne ikke starte: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(EXIT.internalError);
});
