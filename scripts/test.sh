#!/usr/bin/env bash
# README command 2 (npm test): set up, then type-check, lint and run every jest test; then check
# that the run left nothing behind: no process it started still running, and the git working
# tree as it was (a fresh clone stays clean). Extra arguments go to jest, e.g.
# `npm test -- test/foundation`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every process this run starts inherits the marker, so the leftover check finds exactly this
# run's processes and never, say, an `npm start` running beside it.
SKOLEFRAVAER_TEST_RUN="$(date +%s)-$$-$RANDOM"
export SKOLEFRAVAER_TEST_RUN

# The status before anything is installed, so that a lock file rewritten by the install counts.
status_before="$(mktemp)"
build_pid=""
# A run that stops early (a type error) stops the background build too (its own process group).
trap 'rm -f "$status_before"; if [ -n "$build_pid" ]; then kill -- "-$build_pid" 2>/dev/null || true; fi' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git status --porcelain=v1 --untracked-files=all -- . >"$status_before"
fi

# The whole suite includes the cluster test, which needs the Temporal server built from Go (a few
# minutes on a new machine, a file check after): built in the background meanwhile, at low
# priority, so the set-up, the type check and the lint run beside it. The test waits for it.
if [ "$#" -eq 0 ]; then
  mkdir -p .tools
  setsid nice -n 10 bash scripts/install-temporal-server.sh >.tools/temporal-server-build.log 2>&1 &
  build_pid=$!
fi

bash scripts/setup.sh --with-postgres
source scripts/lib/use-node.sh
echo "Typesjekker ..."
node_modules/.bin/tsc --noEmit -p tsconfig.json
echo "Linter ..."
node_modules/.bin/eslint --max-warnings=0 .
echo "Sjekker formateringen (Prettier; rett med «npm run format») ..."
node_modules/.bin/prettier --check . --log-level warn

result=0
node_modules/.bin/jest "$@" || result=$?
# Done by now (the cluster test waited for it); its outcome was that test's to report.
if [ -n "$build_pid" ]; then
  wait "$build_pid" || true
  build_pid=""
fi

# Both checks run whatever jest said, so a failing run still reports what it left behind.
echo "Ser etter prosesser testkjøringen etterlot ..."
node --import tsx scripts/lib/leftover-processes.ts || { check=$?; [ "$result" -ne 0 ] || result=$check; }
echo "Sjekker git status ..."
node --import tsx scripts/lib/worktree-check.ts "$status_before" || { check=$?; [ "$result" -ne 0 ] || result=$check; }
exit "$result"
