#!/usr/bin/env bash
# Prepares the packaged control plane for a fast start (issue #16: start-up to ready <= 8 s):
#  1. the jar extracted into target/app (java -Djarmode=tools ... extract): profiling the start-up (JFR) showed
#     three quarters of the main thread's samples in Spring Boot's nested-jar class loading;
#  2. a dynamic class-data-sharing archive, target/app/tenantforge.jsa, written by a training run that stops as
#     soon as the Spring context has refreshed (-Dspring.context.exit=onRefresh), before any port is opened except
#     the embedded broker's: so run it while no control plane with the same broker port runs.
# The training run needs what a real start needs (PostgreSQL; it migrates the control-plane database, like a start).
# Both are rebuilt only when the jar is newer than the archive. If the archive cannot be made, the extracted jar
# still starts (without -XX:SharedArchiveFile); scripts/demo.sh and bench/ use the line this script prints.
# usage: bash scripts/cds.sh [TRAINING RUN ARGS...]  (default: --spring.profiles.active=dev)
#        prints the java arguments to start with, e.g.
#        java $JAVA_OPTS $(bash scripts/cds.sh) --spring.profiles.active=dev
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"
jar=$(ls target/tenantforge-*.jar 2>/dev/null | head -n 1)
[ -n "$jar" ] || { echo "cds: no target/tenantforge-*.jar; run ./mvnw -B package -DskipTests first" >&2; exit 1; }
app=target/app
archive=$app/tenantforge.jsa
# the JVM flags of the training run should be those of the real run (the archive is checked against them)
opts=${JAVA_OPTS:-"-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m"}
[ $# -gt 0 ] || set -- --spring.profiles.active=dev
if [ ! -f "$app/$(basename "$jar")" ] || [ "$jar" -nt "$app/$(basename "$jar")" ]; then
  rm -rf "$app"
  java -Djarmode=tools -jar "$jar" extract --destination "$app" >&2
fi
if [ ! -f "$archive" ] || [ "$app/$(basename "$jar")" -nt "$archive" ]; then
  rm -f "$archive"
  echo "cds: training run for $archive (log: $app/training.log)" >&2
  # shellcheck disable=SC2086
  java $opts -XX:ArchiveClassesAtExit="$archive" -Dspring.context.exit=onRefresh -jar "$app/$(basename "$jar")" "$@" \
    >"$app/training.log" 2>&1 </dev/null || true
  [ -f "$archive" ] || echo "cds: no archive written (see $app/training.log); starting without it" >&2
fi
if [ -f "$archive" ]; then
  echo "-XX:SharedArchiveFile=$archive -jar $app/$(basename "$jar")"
else
  echo "-jar $app/$(basename "$jar")"
fi
