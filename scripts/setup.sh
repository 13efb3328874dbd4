#!/usr/bin/env bash
# Idempotent project set-up used by both README commands and every npm script: the pinned Node.js
# runtime, Node dependencies exactly as locked (installed on that runtime), then the pinned
# Temporal binaries. Safe to run any number of times.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-node.sh
source scripts/lib/use-node.sh

# Install only when node_modules is missing or was installed from another lock file. `npm ci`
# installs exactly package-lock.json and never writes it, so a fresh clone stays clean. The
# lock file is complete: it lists every platform's optional binaries (@swc/core, esbuild), which
# npm 11 requires of a lock file before `npm ci` accepts it (test/foundation/lock-file.test.ts).
# The stamp includes the runtime's version: packages installed on another Node are installed again.
stamp=node_modules/.installed-from-lock.sha256
lock_hash() { { sha256sum package-lock.json package.json; node --version; } | sha256sum | cut -d' ' -f1; }
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(lock_hash)" ]; then
  echo "Installerer Node-pakkene fra package-lock.json (npm ci) ..."
  npm ci --no-audit --no-fund --loglevel=error
  lock_hash >"$stamp"
fi

# The Temporal CLI and test server are needed by the main job, the tests, the audit and the
# benchmarks, not by a worker or a command line talking to a running cluster: `--runtime-only`
# (scripts/with-node.sh's default) leaves them out, so such a host needs no Python.
# PostgreSQL 15's server programs only for `--with-postgres` (the tests and the benchmark start
# their own server; a file check when installed, apt only when missing). The main job runs on
# its embedded SQLite file, so `npm start` never needs PostgreSQL or root.
if [ "${1:-}" != "--runtime-only" ]; then
  bash scripts/install-tools.sh
fi
if [ "${1:-}" = "--with-postgres" ]; then
  bash scripts/install-postgres.sh
  # veraPDF (Java, from Maven Central): the document tests check every case document with it
  # as PDF/A-2b (test/documents/). Only this branch: `npm start` and a worker never need it.
  bash scripts/install-verapdf.sh
  # Chromium from Debian's package: the browser tests (test/helpers/browser.ts) drive it with
  # playwright-core, whose own browser download CI cannot reach. apt only when it is missing.
  bash scripts/install-chromium.sh
fi
