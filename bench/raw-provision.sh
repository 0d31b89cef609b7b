#!/usr/bin/env bash
# The benchmark's baseline: one tenant made by hand with the raw tools (psql, redis-cli, docker run) and none of
# tenantforge's bookkeeping, as an operator's shell script would. Prints the milliseconds of each phase.
#   bash bench/raw-provision.sh SLUG PORT [IMAGE]     PostgreSQL 127.0.0.1:5432 (postgres), Redis 127.0.0.1:6379
#   bash bench/raw-provision.sh --remove SLUG
# Its names (raw_<slug>, tenant-raw-<slug>, tenant:raw-<slug>:*) never collide with tenantforge's.
set -euo pipefail

ms() { echo $(( $(date +%s%N) / 1000000 )); }
pg() { psql -q -X -v ON_ERROR_STOP=1 -U postgres -h 127.0.0.1 -d postgres "$@"; }

if [ "${1:-}" = "--remove" ]; then
  slug=$2 name=raw_${2//-/_}
  docker rm -f "tenant-raw-$slug" >/dev/null 2>&1 || true
  pg -c "DROP SCHEMA IF EXISTS $name CASCADE" -c "DROP ROLE IF EXISTS $name" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 ACL DELUSER "$name" >/dev/null || true
  exit 0
fi

slug=$1 port=$2 image=${3:-tenantforge/tenant-smoke:dev}
name=raw_${slug//-/_} ns="tenant:raw-$slug:"

start=$(ms)
# role, schema and two tables in one transaction
pg <<SQL
BEGIN;
CREATE ROLE $name LOGIN PASSWORD 'pw_$name' CONNECTION LIMIT 10;
CREATE SCHEMA $name AUTHORIZATION $name;
ALTER ROLE $name SET search_path = $name;
CREATE TABLE $name.customers (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());
CREATE TABLE $name.invoices (id bigserial PRIMARY KEY, customer_id bigint REFERENCES $name.customers (id),
                             amount numeric(12, 2));
CREATE INDEX ON $name.invoices (customer_id);
ALTER TABLE $name.customers OWNER TO $name;
ALTER TABLE $name.invoices OWNER TO $name;
COMMIT;
SQL
database_done=$(ms)

redis-cli -h 127.0.0.1 ACL SETUSER "$name" reset on ">pw_$name" "~$ns*" "&$ns*" +@all -@dangerous >/dev/null
redis-cli -h 127.0.0.1 SET "${ns}meta" '{"tier":"basic"}' >/dev/null
cache_done=$(ms)

docker run -d -q --name "tenant-raw-$slug" --network host --memory 64m --cpus 0.5 --pids-limit 64 \
  --cap-drop ALL --security-opt no-new-privileges --read-only --user 10001:10001 \
  --tmpfs /tmp:rw,noexec,nosuid,nodev,size=16m,uid=10001,gid=10001 \
  -e TENANT_ID="$slug" -e DATABASE_SCHEMA="$name" -e REDIS_NAMESPACE="$ns" -e PORT="$port" "$image" >/dev/null
until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.01; done
container_done=$(ms)

echo "$slug db_ms=$((database_done - start)) cache_ms=$((cache_done - database_done))" \
  "container_ms=$((container_done - cache_done)) total_ms=$((container_done - start))"
