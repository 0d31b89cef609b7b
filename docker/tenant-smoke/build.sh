#!/usr/bin/env bash
# Builds the tenant smoke images from this folder (works from any current directory):
#   tenantforge/tenant-smoke:dev        SMOKE_MODE=healthy   (serves GET /health on 127.0.0.1:$PORT, see tenant-http.sh)
#   tenantforge/tenant-smoke:unhealthy  SMOKE_MODE=unhealthy (never answers /health)
# and the versions the rollout tests move the fleet between (GET /version answers the version; label
# io.tenantforge.min-schema = the lowest tenant schema version the image needs, see README "Rolling out"):
#   tenantforge/tenant-smoke:v1  healthy,   min-schema 1
#   tenantforge/tenant-smoke:v2  healthy,   min-schema 2
#   tenantforge/tenant-smoke:v3  unhealthy, min-schema 2 (its health check fails: a rollout to it halts)
#   tenantforge/tenant-smoke:v4  healthy,   min-schema 3 (refused on tenants at schema 2)
# Needs a running Docker engine and a static busybox (Debian busybox-static): see scripts/services.sh.
# usage: bash docker/tenant-smoke/build.sh        (BUSYBOX=/path/to/static/busybox to use another one)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}

[ -x "$busybox" ] || { echo "build.sh: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
  echo "build.sh: $busybox is dynamically linked; a FROM scratch image needs busybox-static" >&2
  exit 1
fi

context=$(mktemp -d "${TMPDIR:-/tmp}/tenant-smoke.XXXXXX")
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$here/tenant-startup.sh" "$here/tenant-http.sh" "$context/"
cp "$busybox" "$context/busybox"
chmod 0755 "$context/busybox" # COPY keeps the mode: 0644 would fail with "permission denied"

build() { # TAG MODE [VERSION MIN-SCHEMA]
  local id version=${3:-dev} labels=()
  [ -z "${4:-}" ] || labels=(--label "io.tenantforge.min-schema=$4")
  id=$(docker build --force-rm -q --build-arg "SMOKE_MODE=$2" --build-arg "SMOKE_VERSION=$version" "${labels[@]}" \
    -t "$1" "$context")
  echo "build.sh: built $1 (SMOKE_MODE=$2${4:+, min-schema $4}) image ${id:7:12}"
}
build tenantforge/tenant-smoke:dev healthy
build tenantforge/tenant-smoke:unhealthy unhealthy
build tenantforge/tenant-smoke:v1 healthy v1 1
build tenantforge/tenant-smoke:v2 healthy v2 2
build tenantforge/tenant-smoke:v3 unhealthy v3 2
build tenantforge/tenant-smoke:v4 healthy v4 3
