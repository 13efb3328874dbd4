/**
 * Jest's own order (the slowest first by the times of earlier runs, else the largest file first),
 * except that the test files known to run for minutes start first on a machine with no earlier
 * runs, as CI's is. With two workers, a long test that starts last would keep the suite waiting on
 * it alone; started first, the other worker runs everything else meanwhile.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** The longest test files, longest first (the cluster test also builds the Temporal server on a new machine). */
const LONGEST = ['test/cluster/cluster.test.ts', 'test/bench/main.test.ts', 'test/audit/paths.test.ts', 'test/audit/invariants.test.ts'];

class SlowFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const i = LONGEST.findIndex((path) => test.path.endsWith(path));
      return i === -1 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: the rest keep Jest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;
