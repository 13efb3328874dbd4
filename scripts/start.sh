#!/usr/bin/env bash
# README command 1 (npm start): set up, then run the main job (dev server + worker).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/.bin/tsx scripts/start.ts
