/**
 * Keeps test output readable: the Temporal runtime logs only warnings and errors, so a failing
 * test's message is not buried under worker state changes and bundler statistics.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
