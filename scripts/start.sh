#!/usr/bin/env bash
# README command 1 (npm start): set up, then run the main job (dev server + supervised worker).
# `npm run cluster` runs it with --cluster: the real Temporal server on PostgreSQL, whose
# programs are installed first (PostgreSQL 15 from Debian, the pinned server built from Go).
# The main job runs as this very process (exec, and `node --import tsx` rather than the tsx
# launcher, which would run it as a child of its own): a signal sent to `npm start` reaches it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${1:-}" = "--cluster" ]; then
  bash scripts/install-postgres.sh
  bash scripts/install-temporal-server.sh
fi
source scripts/lib/use-node.sh
exec node --import tsx scripts/start.ts "$@"
