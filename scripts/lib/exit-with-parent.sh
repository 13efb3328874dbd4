#!/usr/bin/env bash
# Runs a command that must not outlive the process that started it: the Temporal dev server,
# the case worker, the time-skipping test server. A process killed with SIGKILL (a crashed
# `npm start`, a jest worker ended by force) cannot stop its children itself, and they would
# keep ports, files and task queues busy for ever; so a small watcher stops the command once its
# parent is gone. The command is exec'd, so it keeps this script's pid: whoever started it can
# signal it, and wait for it, directly.
#
# Usage: exit-with-parent.sh <command> [arguments...]
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "bruk: exit-with-parent.sh <kommando> [argumenter ...] (ingen kommando ble gitt)" >&2
  exit 2
fi

parent=$PPID
self=$$

# Signals the command's process group when it leads one (it was started detached), else the
# command alone; the watcher is in that group too, which is why it ignores SIGTERM.
signal_command() {
  kill "-$1" -- "-$self" 2>/dev/null || kill "-$1" "$self" 2>/dev/null || true
}

# The watcher. It polls instead of waiting on an event because a parent's death is not an event
# a child can wait for portably. Its output goes nowhere, so it never holds the command's pipes.
(
  trap '' TERM
  while kill -0 "$parent" 2>/dev/null && kill -0 "$self" 2>/dev/null; do sleep 1; done
  kill -0 "$self" 2>/dev/null || exit 0
  # Orphaned: ask it to stop (the dev server closes its SQLite file), then force it.
  signal_command TERM
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$self" 2>/dev/null || exit 0
    sleep 0.5
  done
  signal_command KILL
) </dev/null >/dev/null 2>&1 &

exec "$@"
