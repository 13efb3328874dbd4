/**
 * Keeps test output readable: the Temporal runtime logs only warnings and errors, so a failing
 * test's message is not buried under worker state changes and bundler statistics. One warning is
 * dropped: the pinned time-skipping test server does not advertise a heartbeat capability that
 * only matters for failed activities' heartbeat details, and core repeats it for every worker.
 *
 * The options are set as the runtime's defaults rather than installed: an installed runtime
 * lives until the process ends (its log forwarding holds the event loop), so a test file that
 * never touches Temporal would keep its jest worker from exiting, and jest would end the worker
 * by force, taking no care of what it had started. Set as defaults, the runtime is created on
 * first use with these options and shuts down once its last client, worker or server is closed.
 */
import { DefaultLogger, type LogEntry, Runtime, type RuntimeOptions } from '@temporalio/worker';

const IGNORED = 'activity_failure_include_heartbeat';

const fallback = new DefaultLogger('WARN');
const options: RuntimeOptions = {
  logger: new DefaultLogger('WARN', (entry: LogEntry) => {
    if (entry.message.includes(IGNORED)) return;
    fallback.log(entry.level, entry.message, entry.meta);
  }),
  // Core's own warnings go through the logger above instead of straight to the console.
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
};
Runtime.defaultOptions = options;
