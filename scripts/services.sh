#!/usr/bin/env bash
# Starts the real parts tenantforge needs on this machine (Debian 12, run as root):
#   Docker Engine (Debian docker.io), a static busybox for the tenant smoke image,
#   PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379.
# Idempotent: whatever already answers is left alone, so running it twice is harmless.
# usage: bash scripts/services.sh
set -euo pipefail

readonly DOCKERD_LOG=/var/log/dockerd-tenantforge.log
readonly REDIS_LOG=/var/log/redis-tenantforge.log
readonly PG_HOST=127.0.0.1 PG_PORT=5432
readonly REDIS_HOST=127.0.0.1 REDIS_PORT=6379
readonly WAIT_SECONDS=60

say() { printf 'services: %s\n' "$*"; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

# wait_until SECONDS COMMAND...: runs COMMAND every 0.5 s until it succeeds or SECONDS have passed.
wait_until() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

[ "$(id -u)" -eq 0 ] || die "run me as root (I install packages and start daemons)"

# --- packages: docker.io and a static busybox --------------------------------------------------
static_busybox() { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; }
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1 || ! static_busybox; then
  say "installing docker.io and busybox-static"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io busybox-static
fi
static_busybox || die "/bin/busybox is missing or not statically linked (package busybox-static)"
say "busybox up: static $(/bin/busybox | head -n 1 | cut -d' ' -f1-2) at /bin/busybox"

# --- the router: Caddy (Debian caddy, 2.6.2 on Debian 12) --------------------------------------
# Installed only: the package does not start it here, and tenantforge does not need a system Caddy. With
# tenantforge.routing.process.managed=true (the dev and test profiles) the control plane runs `caddy run` itself as a
# child process on 127.0.0.1 and stops it when it stops; see the README, "Tenant URLs and custom domains".
if ! command -v caddy >/dev/null 2>&1; then
  say "installing caddy"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y caddy
fi
say "caddy up: $(caddy version 2>/dev/null | cut -d' ' -f1) at $(command -v caddy) (started by the control plane)"

# --- headless Chromium and its driver, for the console's browser test ---------------------------
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing chromium and chromium-driver"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi
say "chromium up: $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"

# --- Docker Engine ----------------------------------------------------------------------------
docker_up() { docker info >/dev/null 2>&1; }
if ! docker_up; then
  if pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd is running but not answering yet; waiting"
  else
    say "starting dockerd (log: $DOCKERD_LOG)"
    # setsid: own session, so dockerd outlives the shell (and process group) that started it.
    setsid nohup dockerd --bridge=none --iptables=false </dev/null >>"$DOCKERD_LOG" 2>&1 &
  fi
  if ! wait_until "$WAIT_SECONDS" docker_up; then
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
    die "Docker Engine did not answer 'docker info' within ${WAIT_SECONDS}s (see $DOCKERD_LOG)"
  fi
fi
say "docker up: Engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null) at /var/run/docker.sock"

# --- PostgreSQL -------------------------------------------------------------------------------
pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
if ! pg_up; then
  command -v pg_ctlcluster >/dev/null 2>&1 || die "PostgreSQL is not installed (pg_ctlcluster missing)"
  pg_version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_version" ] || die "no PostgreSQL cluster under /etc/postgresql"
  say "starting PostgreSQL $pg_version/main"
  # A cluster that is still starting up says "already running": not an error, the wait decides.
  pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
  wait_until "$WAIT_SECONDS" pg_up ||
    die "PostgreSQL did not accept connections at $PG_HOST:$PG_PORT within ${WAIT_SECONDS}s"
fi
say "postgresql up at $PG_HOST:$PG_PORT"

# --- Redis ------------------------------------------------------------------------------------
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
if ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || die "Redis is not installed (redis-server missing)"
  say "starting redis-server (log: $REDIS_LOG)"
  redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no \
    --logfile "$REDIS_LOG"
  wait_until "$WAIT_SECONDS" redis_up ||
    die "Redis did not answer PING at $REDIS_HOST:$REDIS_PORT within ${WAIT_SECONDS}s (see $REDIS_LOG)"
fi
say "redis up at $REDIS_HOST:$REDIS_PORT"
