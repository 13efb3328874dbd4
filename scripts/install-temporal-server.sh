#!/usr/bin/env bash
# Builds the pinned Temporal server (the real one, with its frontend, history, matching and worker
# services, for PostgreSQL) and its SQL schema tool from the Go module proxy into the git-ignored
# .tools/temporal-server/, with the PostgreSQL schema files of the same version beside them.
# Idempotent: does nothing when the pinned version is there. No binary is committed and nothing
# but the Go module proxy is contacted (the module's checksums are verified by the go command).
#
# The first build takes a few minutes and about 2.6 GB of memory on 2 cores; later runs reuse
# Go's module and build caches. For the cluster of issue 18 (npm run cluster, to come).
set -euo pipefail
cd "$(dirname "$0")/.."

want_version="v1.32.0"
dir=.tools/temporal-server
bin_dir="$dir/bin"
stamp="$dir/version"

installed_ok() {
  [ -x "$bin_dir/temporal-server" ] && [ -x "$bin_dir/temporal-sql-tool" ] &&
    [ -d "$dir/schema/postgresql/v12/temporal/versioned" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want_version" ] &&
    "$bin_dir/temporal-server" --version 2>/dev/null | grep -qx "temporal version ${want_version#v}"
}

if installed_ok; then
  exit 0
fi

# One build at a time: `npm test` starts one in the background while it type-checks, and the
# cluster test (or npm run cluster) calling this meanwhile waits for it and then finds it done.
mkdir -p .tools
exec 9>.tools/temporal-server.lock
flock 9
if installed_ok; then
  exit 0
fi

command -v go >/dev/null 2>&1 || {
  echo "feil: Go trengs for å bygge Temporal-serveren $want_version (fant ikke «go» på PATH)" >&2
  exit 1
}

echo "Bygger Temporal-serveren $want_version og skjemaverktøyet i $dir/ (Go-modulproxyen; første gang tar det noen minutter) ..."
rm -rf "$dir"
mkdir -p "$bin_dir"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
# The installed Go builds this version (GOTOOLCHAIN=local: no other toolchain is fetched);
# -s -w leaves out the symbol tables (116 MB instead of 211 MB).
GOTOOLCHAIN=local GOBIN="$build" GOFLAGS=-mod=mod go install -ldflags="-s -w" \
  "go.temporal.io/server/cmd/server@$want_version" \
  "go.temporal.io/server/cmd/tools/sql@$want_version"
mv "$build/server" "$bin_dir/temporal-server"
mv "$build/sql" "$bin_dir/temporal-sql-tool"
# The schema files the SQL tool applies, from the same module version.
module_dir="$(go env GOMODCACHE)/go.temporal.io/server@$want_version"
mkdir -p "$dir/schema"
cp -R "$module_dir/schema/postgresql" "$dir/schema/"
chmod -R u+w "$dir/schema"
echo "$want_version" >"$stamp"

installed_ok || {
  echo "feil: Temporal-serveren $want_version ble ikke bygd riktig i $dir/" >&2
  exit 1
}
echo "Temporal-serveren $want_version og skjemaverktøyet ligger i $bin_dir/"
