#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: JAVA_HOME if it qualifies, else the java on PATH, else the
# newest one under /usr/lib/jvm or /opt. Fails with what to install when there is none.
set -euo pipefail

version_of() { # prints the feature version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}
has_javac() { [ -x "$1/bin/javac" ]; }

candidates=()
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
if command -v java >/dev/null 2>&1; then
  candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
fi
for dir in /usr/lib/jvm/* /opt/java/* /opt/jdk* /opt/*jdk*; do
  [ -d "$dir" ] && candidates+=("$dir")
done

best=""; best_version=0
for home in "${candidates[@]}"; do
  [ -x "$home/bin/java" ] && has_javac "$home" || continue
  v=$(version_of "$home/bin/java")
  [ -n "$v" ] || continue
  if [ "$home" = "${JAVA_HOME:-}" ] && [ "$v" -ge 21 ]; then best="$home"; break; fi
  if [ "$v" -ge 21 ] && [ "$v" -gt "$best_version" ]; then best="$home"; best_version="$v"; fi
done

if [ -z "$best" ]; then
  cat >&2 <<MSG
CaptionFlow needs a JDK 21 or newer, and none was found (checked JAVA_HOME, the java on PATH,
/usr/lib/jvm and /opt). Install one, for example:
  Debian/Ubuntu:  apt-get install openjdk-21-jdk   (or Temurin 21/25 from https://adoptium.net)
  macOS:          brew install --cask temurin
then run make again, or point JAVA_HOME at it.
MSG
  exit 1
fi
echo "$best"
