/**
 * The project's jest environment (test/helpers/process-cleanup-environment.ts) plus Node's own
 * `require` as `hostRequire` on the test file's global. @fastify/cookie (under
 * @fastify/secure-session) loads the ES-only `cookie` package with a dynamic import(), which
 * jest's CommonJS sandbox refuses without node --experimental-vm-modules; web-env.ts loads
 * @fastify/cookie with this require instead, outside the sandbox, where the import works.
 */
import ProcessCleanupEnvironment from '../../helpers/process-cleanup-environment';

export default class WebEnvironment extends ProcessCleanupEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    this.global.hostRequire = require;
  }
}
