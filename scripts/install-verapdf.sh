#!/usr/bin/env bash
# Installs veraPDF, the reference PDF/A validator, into the git-ignored .tools/verapdf/ folder.
# The document tests (test/documents/) check that every case document is valid PDF/A-2b with it
# (scripts/lib/verapdf.ts runs it). Only Maven Central is contacted: a throwaway pom asks Maven
# to copy org.verapdf.apps:greenfield-apps and all its dependencies into .tools/verapdf/lib/.
# Idempotent: when the stamp file names the wanted version, nothing is done.
set -euo pipefail
cd "$(dirname "$0")/.."

version="1.28.2"
install_dir=.tools/verapdf
lib_dir="$install_dir/lib"
stamp="$install_dir/installed-version"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && compgen -G "$lib_dir/greenfield-apps-$version.jar" >/dev/null; then
  exit 0
fi

command -v java >/dev/null 2>&1 || {
  echo "feil: veraPDF trenger Java (17 eller nyere), men fant ikke «java»; installer f.eks. Debian-pakken openjdk-17-jre-headless" >&2
  exit 1
}
command -v mvn >/dev/null 2>&1 || {
  echo "feil: veraPDF hentes fra Maven Central med Maven, men fant ikke «mvn»; installer f.eks. Debian-pakken maven" >&2
  exit 1
}

echo "Installerer veraPDF $version i $install_dir/ (Maven Central) ..."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.skolefravaer</groupId>
  <artifactId>verapdf-install</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.verapdf.apps</groupId>
      <artifactId>greenfield-apps</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
EOF

# Maven's own repository lives in the temporary folder, so nothing is left in ~/.m2; its chatter
# goes to a log that is shown only when something fails.
rm -rf "$install_dir"
mkdir -p "$lib_dir"
if ! mvn -B -q -f "$work/pom.xml" -Dmaven.repo.local="$work/repository" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$PWD/$lib_dir" >"$work/maven.log" 2>&1; then
  tail -n 30 "$work/maven.log" >&2
  echo "feil: Maven kunne ikke hente veraPDF $version fra Maven Central (utskriften over er slutten av Mavens logg)" >&2
  rm -rf "$install_dir"
  exit 1
fi

compgen -G "$lib_dir/greenfield-apps-$version.jar" >/dev/null || {
  echo "feil: Maven kjørte, men $lib_dir/greenfield-apps-$version.jar finnes ikke" >&2
  exit 1
}
echo "$version" >"$stamp"
echo "veraPDF $version ligger i $install_dir/ ($(find "$lib_dir" -name '*.jar' | wc -l) jar-filer)"
