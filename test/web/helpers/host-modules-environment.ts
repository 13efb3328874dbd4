/**
 * The project's jest environment (test/helpers/process-cleanup-environment.ts) plus Node's own
 * `require` as `hostRequire` on the test file's global: jest's CommonJS sandbox refuses ES-only
 * packages (openid-client, oauth2-mock-server) without --experimental-vm-modules, while Node 24's
 * require loads them natively. Used by the files that name this environment in their docblock.
 */
import ProcessCleanupEnvironment from '../../helpers/process-cleanup-environment';

export default class HostModulesEnvironment extends ProcessCleanupEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    this.global.hostRequire = require;
  }
}
