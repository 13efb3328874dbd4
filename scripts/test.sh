#!/usr/bin/env bash
# README command 2 (npm test): set up, then type-check, lint and run every jest test.
# Extra arguments go to jest, e.g. `npm test -- test/foundation`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "Type-checking..."
node_modules/.bin/tsc --noEmit -p tsconfig.json
echo "Linting..."
node_modules/.bin/eslint --max-warnings=0 .
exec node_modules/.bin/jest "$@"
