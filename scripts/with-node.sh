#!/usr/bin/env bash
# Runs a command on the project's pinned Node.js after the idempotent set-up, e.g.
# `bash scripts/with-node.sh node --import tsx cli/main.ts list`. Every npm script goes through
# here, so no script runs on whatever Node the machine happens to have.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
source scripts/lib/use-node.sh
exec "$@"
