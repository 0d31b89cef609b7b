#!/usr/bin/env bash
# Measures the sweep's two shared-service reads at N tenants (default 500) on this machine's services: the tenants
# database catalog query (every tenant_* role and schema, one query; the same SQL as TenantDatabaseProvisioner
# #catalog) and Redis ACL LIST (every user, one call): time (median of 5) and answer size. It makes N roles, N
# schemas in a scratch database and N ACL users with the provisioner's rules (names tenant_scalebench_<i>), and
# removes them all again, also on failure. Run as root under the services lock:
#   flock /tmp/tf-services.lock bash bench/scale-catalog.sh
set -euo pipefail
N=${N:-500}
DB=tenantforge_scalebench
psql_() { psql -h 127.0.0.1 -U postgres -qAt "$@"; }
cleanup() {
  psql_ -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  for i in $(seq 1 "$N"); do echo "DROP ROLE IF EXISTS tenant_scalebench_$i;"; done | psql_ >/dev/null 2>&1 || true
  for i in $(seq 1 "$N"); do echo "ACL DELUSER tenant_scalebench_$i"; done | redis-cli -h 127.0.0.1 >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
psql_ -c "CREATE DATABASE $DB" >/dev/null
{
  for i in $(seq 1 "$N"); do
    echo "CREATE ROLE tenant_scalebench_$i LOGIN CONNECTION LIMIT 5;"
    echo "COMMENT ON ROLE tenant_scalebench_$i IS 'tenantforge:scalebench-$i';"
    echo "CREATE SCHEMA tenant_scalebench_$i AUTHORIZATION tenant_scalebench_$i;"
    echo "COMMENT ON SCHEMA tenant_scalebench_$i IS 'tenantforge:scalebench-$i';"
    echo "REVOKE ALL ON SCHEMA tenant_scalebench_$i FROM PUBLIC;"
  done
} | psql_ -d "$DB" >/dev/null
rules='-@dangerous -@admin -@scripting -select -swapdb -move -scan -keys -randomkey -flushdb -flushall -config -acl -script -eval -evalsha -function -fcall -monitor -debug -object'
for i in $(seq 1 "$N"); do
  hash=$(printf 'scalebench-password-%s' "$i" | sha256sum | cut -c1-64)
  echo "ACL SETUSER tenant_scalebench_$i reset on #$hash ~tenant:scalebench-$i:* &tenant:scalebench-$i:* +@all $rules"
done | redis-cli -h 127.0.0.1 >/dev/null
catalog="SELECT 'role' AS kind, r.rolname, coalesce(shobj_description(r.oid, 'pg_authid'), ''), r.rolcanlogin,
  r.rolconnlimit, has_database_privilege(r.oid, current_database(), 'CONNECT'), NULL, NULL::boolean, NULL::boolean
  FROM pg_roles r WHERE r.rolname LIKE 'tenant\\_%'
UNION ALL
SELECT 'schema', n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), ''), NULL, NULL, NULL,
  pg_get_userbyid(n.nspowner), EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a WHERE a.grantee = 0),
  has_schema_privilege(n.nspowner, n.oid, 'USAGE') AND has_schema_privilege(n.nspowner, n.oid, 'CREATE')
  FROM pg_namespace n WHERE n.nspname LIKE 'tenant\\_%'"
times=()
for _ in 1 2 3 4 5; do
  ms=$(psql_ -d "$DB" -c '\timing on' -c "$catalog" -o /tmp/scale-catalog.out | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
  times+=("$ms")
done
rows=$(wc -l </tmp/scale-catalog.out)
echo "| catalog query (roles and schemas) | $rows rows | $(stat -c %s /tmp/scale-catalog.out) bytes (as text) | $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) ms |"
times=()
for _ in 1 2 3 4 5; do
  s=$(date +%s%N)
  redis-cli -h 127.0.0.1 ACL LIST >/tmp/scale-acl.out
  times+=("$(( ($(date +%s%N) - s) / 1000 ))")
done
echo "| ACL LIST | $(wc -l </tmp/scale-acl.out) users | $(stat -c %s /tmp/scale-acl.out) bytes | $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{print $1/1000}') ms (redis-cli, incl. its start) |"
