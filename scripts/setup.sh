#!/usr/bin/env bash
# Idempotent project set-up used by both README commands: Node dependencies exactly as locked,
# then the pinned Temporal binaries. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

# Install only when node_modules is missing or was installed from another lock file.
# `npm install` (not `npm ci`): npm 11 records only this platform's optional binaries (@swc,
# esbuild) in the lock file and then `npm ci` refuses the lock file as incomplete; with a lock
# file in sync, `npm install` installs exactly the locked versions.
stamp=node_modules/.installed-from-lock.sha256
lock_hash() { sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1; }
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(lock_hash)" ]; then
  echo "Installing Node dependencies from package-lock.json..."
  npm install --no-audit --no-fund --loglevel=error
  lock_hash >"$stamp"
fi

bash scripts/install-tools.sh
