/**
 * Jest's own order (the slowest first by the times of earlier runs, else the largest file first),
 * with two exceptions for a machine with no earlier runs, as CI's is:
 * - the test files known to run for a minute or more start first, so that with two workers none
 *   of them is left to run alone at the end;
 * - the tests on the real Temporal server start halfway through the queue: on a new machine they
 *   wait for the server's build, which `npm test` starts in the background (scripts/test.sh, about
 *   10 minutes beside the tests on 2 cores); started first, a jest worker would sit waiting on it,
 *   and started last, their own minutes of waiting on timers would run alone at the end.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** The longest test files, longest first. */
const FIRST = [
  'test/web/web-app.browser.test.ts',
  'test/faults/worker-crash.devserver.test.ts',
  'test/audit/paths.test.ts',
  'test/audit/mutations.test.ts',
];
/** The tests that need the Temporal server built, in the order they start. */
const AFTER_THE_BUILD = ['test/cluster/cluster.test.ts', 'test/bench/cluster-phase.test.ts'];
/** Where in the queue they start (a fraction of the test files). */
const BUILD_POSITION = 0.5;

class BuildAwareSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const indexIn = (list, test) => list.findIndex((path) => test.path.endsWith(path));
    const rank = (test) => {
      const i = indexIn(FIRST, test);
      return i === -1 ? FIRST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Jest's order.
    const rest = [...sorted].filter((test) => indexIn(AFTER_THE_BUILD, test) === -1).sort((a, b) => rank(a) - rank(b));
    const built = AFTER_THE_BUILD.flatMap((path) => sorted.filter((test) => test.path.endsWith(path)));
    const at = Math.floor(rest.length * BUILD_POSITION);
    return [...rest.slice(0, at), ...built, ...rest.slice(at)];
  }
}

module.exports = BuildAwareSequencer;
