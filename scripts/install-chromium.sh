#!/usr/bin/env bash
# Installs Chromium from Debian's own package (chromium), which the browser tests drive with
# playwright-core (test/helpers/browser.ts). Playwright's own browser download needs a CDN that
# CI machines cannot reach, while Debian's mirror is always there. Idempotent: when
# /usr/bin/chromium is there and answers `--version`, it exits at once and never calls apt.
set -euo pipefail

binary=/usr/bin/chromium
package=chromium

chromium_ok() { [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; }
chromium_ok && exit 0

# root installs directly; anyone else only through sudo, and only without a password prompt
# (CI has no stdin to type one into).
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "feil: Chromium mangler (fant ikke $binary, eller den svarer ikke på --version), og bare root kan installere det." >&2
  echo "      Installer Debian-pakken som root: «apt-get install --no-install-recommends $package», og kjør så kommandoen igjen." >&2
  exit 1
fi
command -v apt-get >/dev/null 2>&1 || {
  echo "feil: Chromium mangler (fant ikke $binary), og denne maskinen har ikke apt-get; installer Chromium slik at $binary finnes" >&2
  exit 1
}

echo "Installerer Chromium fra Debian (apt-get install $package) ..."
# apt's chatter goes to a log, shown only when something fails.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$package"; } </dev/null >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "feil: apt-get kunne ikke installere $package (utskriften over er slutten av apt-get sin logg)" >&2
  exit 1
fi

chromium_ok || { echo "feil: $package ble installert, men $binary finnes ikke eller svarer ikke på --version" >&2; exit 1; }
echo "$("$binary" --version 2>/dev/null) ligger i $binary"
