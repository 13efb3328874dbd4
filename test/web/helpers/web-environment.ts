/**
 * The project's jest environment (test/helpers/process-cleanup-environment.ts) plus Node's own
 * `require` as `hostRequire` on the test file's global. Jest's CommonJS sandbox refuses ES-only
 * packages without node --experimental-vm-modules: `cookie` (loaded by @fastify/cookie with a
 * dynamic import() and by fastify's inject), openid-client, oauth2-mock-server and the OpenAPI
 * validator. Node 24's own require loads them natively; the web tests name this environment in
 * their docblock and load those packages through `hostRequire` (web-env.ts, oidc.test.ts).
 */
import ProcessCleanupEnvironment from '../../helpers/process-cleanup-environment';

export default class WebEnvironment extends ProcessCleanupEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    this.global.hostRequire = require;
  }
}
