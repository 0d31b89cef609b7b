# tenant-startup.sh: start-up of the tenant smoke image (run as `/bin/busybox sh /tenant-startup.sh`).
#
# Behaves like a real tenant's start-up, with nothing but a static busybox in a FROM scratch image:
#   1. refuses to start without its configuration (exit 64, EX_USAGE);
#   2. waits, bounded, for its PostgreSQL and Redis ports (exit 69, EX_UNAVAILABLE, if they stay shut);
#   3. logs in to Redis as its own ACL user and writes <REDIS_NAMESPACE>smoke:started (exit 69 if refused);
#   4. TENANT_SMOKE_MODE=healthy: serves GET /health on $LISTEN_ADDRESS:$PORT (default 127.0.0.1; the control
#      plane sets 0.0.0.0 when the container has a network of its own) (busybox nc -ll running
#      tenant-http.sh per connection), proving its identity with $HEALTH_TOKEN_FILE when the prober
#      sends a nonce (see tenant-http.sh); TENANT_SMOKE_MODE=unhealthy: stays up without ever opening the port.
# Works with a read-only root filesystem (writes only under /tmp, a tmpfs), as an unprivileged user
# (the image's USER 10001:10001 or whatever uid:gid the control plane gives) or as root, with all
# capabilities dropped, with host networking. Secrets are read from files, never printed.
#
# The image has no other binaries and busybox sh only runs applets by bare name through
# /proc/self/exe, so every external command is called explicitly as "$BB <applet>".

BB=/bin/busybox
WAIT_SECONDS=${TENANT_WAIT_SECONDS:-30}
EX_USAGE=64
EX_UNAVAILABLE=69
EX_CANTCREAT=73
CR=$(printf '\r')

log() { printf 'tenant-startup: %s\n' "$*"; }
die() {
  code=$1
  shift
  printf 'tenant-startup: %s\n' "$*" >&2
  exit "$code"
}

# --- 1. configuration ------------------------------------------------------------------------
for name in TENANT_ID PORT DATABASE_SCHEMA REDIS_NAMESPACE; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || die $EX_USAGE "missing required variable $name"
done

case $PORT in
  *[!0-9]*) die $EX_USAGE "PORT must be a number between 1 and 65535, got '$PORT'" ;;
esac
[ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die $EX_USAGE "PORT must be between 1 and 65535, got '$PORT'"

# Sent inline to Redis, so no blanks or control characters.
case $REDIS_NAMESPACE in
  *[!A-Za-z0-9:_.-]*) die $EX_USAGE "REDIS_NAMESPACE may only hold [A-Za-z0-9:_.-]" ;;
esac

listen=${LISTEN_ADDRESS:-127.0.0.1}
case $listen in
  *[!0-9.]*) die $EX_USAGE "LISTEN_ADDRESS must be an IPv4 address, got '$listen'" ;;
esac

mode=${TENANT_SMOKE_MODE:-healthy}
case $mode in
  healthy | unhealthy) ;;
  *) die $EX_USAGE "TENANT_SMOKE_MODE must be healthy or unhealthy, got '$mode'" ;;
esac

case $WAIT_SECONDS in
  '' | *[!0-9]*) die $EX_USAGE "TENANT_WAIT_SECONDS must be a whole number of seconds" ;;
esac

# read_secret FILE: sets $secret to the file's first line; fails unless FILE is a readable, non-empty file.
read_secret() {
  secret=
  # No `[ -r ]`: busybox test says yes to uid 0 even with every capability dropped; reading tells.
  [ -f "$1" ] && [ -s "$1" ] || return 1
  IFS= read -r secret 2>/dev/null <"$1" || [ -n "$secret" ] || return 1
  secret=${secret%"$CR"}
  [ -n "$secret" ]
}

if [ -n "${DATABASE_PASSWORD_FILE:-}" ]; then
  read_secret "$DATABASE_PASSWORD_FILE" ||
    die $EX_USAGE "DATABASE_PASSWORD_FILE $DATABASE_PASSWORD_FILE is not a readable, non-empty file"
  secret=
fi

if [ -n "${HEALTH_TOKEN_FILE:-}" ]; then
  read_secret "$HEALTH_TOKEN_FILE" ||
    die $EX_USAGE "HEALTH_TOKEN_FILE $HEALTH_TOKEN_FILE is not a readable, non-empty file"
  secret=
fi

redis_password=
if [ -n "${REDIS_USER:-}" ]; then
  case $REDIS_USER in
    *[!A-Za-z0-9:_.-]*) die $EX_USAGE "REDIS_USER may only hold [A-Za-z0-9:_.-]" ;;
  esac
  [ -n "${REDIS_PASSWORD_FILE:-}" ] || die $EX_USAGE "REDIS_USER is set but REDIS_PASSWORD_FILE is not"
  read_secret "$REDIS_PASSWORD_FILE" ||
    die $EX_USAGE "REDIS_PASSWORD_FILE $REDIS_PASSWORD_FILE is not a readable, non-empty file"
  case $secret in
    *[!A-Za-z0-9_-]*) die $EX_USAGE "REDIS_PASSWORD_FILE $REDIS_PASSWORD_FILE holds characters other than [A-Za-z0-9_-]" ;;
  esac
  redis_password=$secret
  secret=
  [ -n "${REDIS_URL:-}" ] || die $EX_USAGE "REDIS_USER is set but REDIS_URL is not"
fi

# parse_endpoint URL DEFAULT_PORT: sets $ep_host and $ep_port from scheme://[user@]host[:port][/path][?query].
parse_endpoint() {
  hp=${1#*://}
  hp=${hp%%/*}
  hp=${hp%%\?*}
  hp=${hp%%#*}
  hp=${hp##*@}
  case $hp in
    \[*\]:*) ep_host=${hp%%\]*} ep_host=${ep_host#\[} ep_port=${hp##*\]:} ;;
    \[*\]) ep_host=${hp#\[} ep_host=${ep_host%\]} ep_port=$2 ;;
    *:*) ep_host=${hp%:*} ep_port=${hp##*:} ;;
    *) ep_host=$hp ep_port=$2 ;;
  esac
  [ -n "$ep_host" ] || return 1
  case $ep_port in
    '' | *[!0-9]*) return 1 ;;
  esac
}

# port_open HOST PORT: connect-only probe. busybox 1.35's nc has no -z: `-e true` closes right after
# connecting; timeout guards name look-ups and servers that never answer.
port_open() {
  $BB timeout 3 $BB nc -w 2 "$1" "$2" -e $BB true </dev/null >/dev/null 2>&1
}

# wait_for_port WHAT HOST PORT: waits up to $WAIT_SECONDS for HOST:PORT to accept connections.
wait_for_port() {
  port_open "$2" "$3" && return 0
  log "waiting up to ${WAIT_SECONDS}s for $1 at $2:$3"
  deadline=$(($($BB date +%s) + WAIT_SECONDS))
  until port_open "$2" "$3"; do
    [ "$($BB date +%s)" -le "$deadline" ] ||
      die $EX_UNAVAILABLE "$1 at $2:$3 did not accept connections within ${WAIT_SECONDS}s"
    $BB sleep 0.2
  done
}

# --- 2. PostgreSQL ---------------------------------------------------------------------------
if [ -n "${DATABASE_URL:-}" ]; then
  parse_endpoint "$DATABASE_URL" 5432 ||
    die $EX_USAGE "DATABASE_URL is not postgresql://user@host:port/database"
  wait_for_port PostgreSQL "$ep_host" "$ep_port"
  log "PostgreSQL at $ep_host:$ep_port accepts connections (schema $DATABASE_SCHEMA)"
fi

# --- 3. Redis: log in as the tenant's own ACL user, write a key in its namespace -------------
if [ -n "${REDIS_USER:-}" ]; then
  parse_endpoint "$REDIS_URL" 6379 || die $EX_USAGE "REDIS_URL is not redis://user@host:port"
  wait_for_port Redis "$ep_host" "$ep_port"
  # for tenant-http.sh's /redis-ping, which logs in anew on every request
  export TENANT_REDIS_HOST="$ep_host" TENANT_REDIS_PORT="$ep_port"
  key="${REDIS_NAMESPACE}smoke:started"
  # printf is a shell builtin: the password never shows up in a process's command line.
  reply=$(printf 'AUTH %s %s\r\nSET %s %s\r\nQUIT\r\n' "$REDIS_USER" "$redis_password" "$key" "$($BB date +%s)" |
    $BB timeout 10 $BB nc -w 5 "$ep_host" "$ep_port" 2>/dev/null | $BB tr -d '\r')
  redis_password=
  first=${reply%%
*}
  rest=${reply#*
}
  second=${rest%%
*}
  if [ "$first" != "+OK" ]; then
    die $EX_UNAVAILABLE "Redis at $ep_host:$ep_port refused the login of $REDIS_USER: ${first:-no reply}"
  fi
  if [ "$second" != "+OK" ]; then
    die $EX_UNAVAILABLE "Redis at $ep_host:$ep_port refused SET $key for $REDIS_USER: ${second:-no reply}"
  fi
  log "Redis at $ep_host:$ep_port: logged in as $REDIS_USER, wrote $key"
fi

# --- 4. serve ---------------------------------------------------------------------------------
# The shell stays PID 1 and forwards docker stop's SIGTERM to its child, so a stop takes
# milliseconds instead of the 10 s kill timeout (PID 1 without a handler ignores SIGTERM).
child=
stop() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  log "$TENANT_ID stopping"
  exit 0
}
trap stop TERM INT

if [ "$mode" = unhealthy ]; then
  log "$TENANT_ID started in unhealthy mode: it will never answer on 127.0.0.1:$PORT"
  $BB sleep 2147483647 &
  child=$!
  wait "$child"
  exit $?
fi

$BB mkdir -p /tmp/www 2>/dev/null && printf 'ok' >/tmp/www/health 2>/dev/null ||
  die $EX_CANTCREAT "cannot write /tmp/www/health (is /tmp a writable tmpfs?)"
! port_open 127.0.0.1 "$PORT" || die $EX_UNAVAILABLE "127.0.0.1:$PORT is already in use"
# -ll: a persistent server, one tenant-http.sh per connection; the address argument binds $listen only.
$BB nc -ll -p "$PORT" "$listen" -e $BB sh /tenant-http.sh &
child=$!
# Log "serving" only once the port answers; if the server dies first (port taken), fail with its reason.
until port_open 127.0.0.1 "$PORT"; do
  kill -0 "$child" 2>/dev/null || {
    wait "$child"
    die $EX_UNAVAILABLE "could not serve on 127.0.0.1:$PORT (exit $?)"
  }
  $BB sleep 0.02
done
log "$TENANT_ID serving on $listen:$PORT as uid $($BB id -u)"
wait "$child"
status=$?
die $EX_UNAVAILABLE "the server on 127.0.0.1:$PORT exited with status $status"
