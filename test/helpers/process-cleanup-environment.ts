/**
 * The jest test environment of this project: Node's, plus one duty at the end of each test
 * file. Whatever the file started and did not stop (a dev server, a worker, a time-skipping
 * test server), because a test failed or timed out before its own clean-up, is stopped here,
 * after the file's afterAll hooks, and named in a warning. Children register themselves on the
 * file's global object (scripts/lib/child-processes.ts).
 */
import { TestEnvironment } from 'jest-environment-node';
import { runCleanups } from '../../scripts/lib/child-processes';

export default class ProcessCleanupEnvironment extends TestEnvironment {
  override async teardown(): Promise<void> {
    const stopped = await runCleanups(this.global);
    if (stopped.length > 0) {
      console.warn(`Testfilen lot dette kjøre da den var ferdig; det er nå stoppet: ${stopped.join(', ')}`);
    }
    await super.teardown();
  }
}
