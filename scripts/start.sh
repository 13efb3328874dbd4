#!/usr/bin/env bash
# README command 1 (npm start): set up, then run the main job (dev server + supervised worker).
# The main job runs as this very process (exec, and `node --import tsx` rather than the tsx
# launcher, which would run it as a child of its own): a signal sent to `npm start` reaches it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/lib/use-node.sh
exec node --import tsx scripts/start.ts
