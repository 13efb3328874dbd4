#!/usr/bin/env bash
# Installs PostgreSQL 15's server programs from Debian's own package (postgresql-15), which the
# tests need: the store tests run against SQLite and against a real PostgreSQL that each test file
# starts itself (scripts/lib/postgres-server.ts). Idempotent: when the programs are there it only
# checks three files and exits, so set-up stays fast and never calls apt.
#
# Debian's package normally creates a cluster of its own ("main") and starts it on port 5432. The
# tests never use it, and a CI machine should not run a database nobody asked for, so before the
# install /etc/postgresql-common/createcluster.conf is made to say `create_main_cluster = false`
# (a setting the administrator already chose for an installed PostgreSQL is left alone).
set -euo pipefail

bin_dir=/usr/lib/postgresql/15/bin
package=postgresql-15
cluster_conf=/etc/postgresql-common/createcluster.conf

server_ok() { [ -x "$bin_dir/initdb" ] && [ -x "$bin_dir/postgres" ] && [ -x "$bin_dir/pg_ctl" ]; }
server_ok && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "feil: PostgreSQL 15 mangler (fant ikke $bin_dir/initdb, postgres og pg_ctl), og bare root kan installere det." >&2
  echo "      Installer Debian-pakken som root: «apt-get install --no-install-recommends $package», og kjør så kommandoen igjen." >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
  echo "feil: PostgreSQL 15 mangler (fant ikke $bin_dir/initdb), og denne maskinen har ikke apt-get; installer PostgreSQL 15 slik at $bin_dir finnes" >&2
  exit 1
}

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]; }

# No main cluster. The file belongs to postgresql-common, which keeps an existing file on install
# (ucf, told by UCF_FORCE_CONFFOLD below to keep it without asking).
if [ ! -e "$cluster_conf" ]; then
  mkdir -p "$(dirname "$cluster_conf")"
  printf '%s\n' '# Written by scripts/install-postgres.sh (skolefravaer): tests start their own servers.' 'create_main_cluster = false' >"$cluster_conf"
elif ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*(false|off|no|0)[[:space:]]*$' "$cluster_conf"; then
  if installed postgresql-common; then
    # The administrator's file of an installed PostgreSQL: theirs to decide.
    echo "merk: $cluster_conf sier ikke «create_main_cluster = false»; Debian kan derfor opprette og starte sin egen «main»-klynge (testene bruker den ikke)."
  else
    # Left over from a removed install: nobody's choice any more.
    sed -i -E '/^[[:space:]]*create_main_cluster[[:space:]]*=/d' "$cluster_conf"
    echo 'create_main_cluster = false' >>"$cluster_conf"
  fi
fi

echo "Installerer PostgreSQL 15 fra Debian (apt-get install $package) ..."
# apt's and the maintainer scripts' chatter goes to a log, shown only when something fails.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
if ! { apt-get update -q &&
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$package"; } </dev/null >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "feil: apt-get kunne ikke installere $package (utskriften over er slutten av apt-get sin logg)" >&2
  exit 1
fi

server_ok || { echo "feil: $package ble installert, men $bin_dir/initdb, postgres og pg_ctl finnes ikke" >&2; exit 1; }
echo "PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') ligger i $bin_dir/"
