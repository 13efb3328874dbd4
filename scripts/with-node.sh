#!/usr/bin/env bash
# Runs a command on the project's pinned Node.js after the idempotent set-up, e.g.
# `bash scripts/with-node.sh node --import tsx cli/main.ts list`. Every npm script goes through
# here, so no script runs on whatever Node the machine happens to have. The set-up installs the
# runtime and the npm packages; `--with-temporal` first also installs the Temporal CLI and test
# server, for the commands that start their own (audit, benchmarks, jest); `--with-postgres`
# those and PostgreSQL 15's server programs, for the commands that start a PostgreSQL too
# (jest, bench).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--with-temporal" ]; then
  shift
  bash scripts/setup.sh >&2
elif [ "${1:-}" = "--with-postgres" ]; then
  shift
  bash scripts/setup.sh --with-postgres >&2
else
  bash scripts/setup.sh --runtime-only >&2
fi
source scripts/lib/use-node.sh
exec "$@"
