#!/usr/bin/env bash
# The main job, end to end on a fresh machine: start the services, build the tenant image and the control plane,
# start the control plane (dev profile, in the background), order the tenant "acme" over REST and wait until it is
# ACTIVE. The control plane keeps running afterwards; stop it with: kill "$(cat var/tenantforge.pid)"
# usage: bash scripts/demo.sh [SUBDOMAIN] [TIER]
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"
subdomain=${1:-acme}
tier=${2:-basic}
base=http://127.0.0.1:8080
DEFAULT_JAVA_OPTS="-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m"

bash scripts/services.sh
bash docker/tenant-smoke/build.sh
./mvnw -B -q package -DskipTests

mkdir -p var
if [ -f var/tenantforge.pid ] && kill -0 "$(cat var/tenantforge.pid)" 2>/dev/null; then
  echo "demo: control plane already running (pid $(cat var/tenantforge.pid))"
else
  # the extracted jar and its class-data-sharing archive (made once per build by a training run): start-up to ready
  # in about a third of the time of `java -jar` on the fat jar (README, Benchmark)
  start=$(JAVA_OPTS=${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} bash scripts/cds.sh --spring.profiles.active=dev)
  echo "demo: starting the control plane (log: var/tenantforge.log)"
  # the JVM settings the benchmark measured (README, Benchmark); JAVA_OPTS overrides them
  # shellcheck disable=SC2086
  MALLOC_ARENA_MAX=2 setsid nohup java ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} $start --spring.profiles.active=dev \
    </dev/null >var/tenantforge.log 2>&1 &
  echo $! >var/tenantforge.pid
fi
for _ in $(seq 120); do
  curl -sf -o /dev/null "$base/actuator/health/readiness" && break
  sleep 0.5
done
curl -sf -o /dev/null "$base/actuator/health/readiness" || { tail -n 40 var/tenantforge.log; exit 1; }

password=${TENANTFORGE_ADMIN_PASSWORD:-$(cat var/admin-password)}
echo "demo: ordering tenant $subdomain ($tier)"
curl -sS -u "admin:$password" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Demo $subdomain\",\"subdomain\":\"$subdomain\",\"tier\":\"$tier\"}" "$base/api/v1/tenants"
echo
status=
for _ in $(seq 120); do
  status=$(curl -sS -u "admin:$password" "$base/api/v1/tenants/$subdomain" | sed -n 's/.*"status":"\([A-Z]*\)".*/\1/p' | head -n 1)
  case "$status" in ACTIVE|FAILED) break ;; esac
  sleep 0.5
done
curl -sS -u "admin:$password" "$base/api/v1/tenants/$subdomain"
echo
echo "demo: tenant $subdomain is $status"
[ "$status" = ACTIVE ]
