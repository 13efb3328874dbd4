/**
 * Keeps test output readable: the Temporal runtime logs only warnings and errors, so a failing
 * test's message is not buried under worker state changes and bundler statistics. One warning is
 * dropped: the pinned time-skipping test server does not advertise a heartbeat capability that
 * only matters for failed activities' heartbeat details, and core repeats it for every worker.
 */
import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';

const IGNORED = 'activity_failure_include_heartbeat';

const fallback = new DefaultLogger('WARN');
Runtime.install({
  logger: new DefaultLogger('WARN', (entry: LogEntry) => {
    if (entry.message.includes(IGNORED)) return;
    fallback.log(entry.level, entry.message, entry.meta);
  }),
  // Core's own warnings go through the logger above instead of straight to the console.
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
});
