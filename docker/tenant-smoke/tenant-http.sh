# tenant-http.sh: answers ONE HTTP request on stdin/stdout; `busybox nc -ll` runs it for every connection
# (tenant-startup.sh). busybox httpd serves only static files outside /cgi-bin/, and /health must prove who answers,
# so the smoke image speaks the little HTTP it needs itself.
#
#   GET /health               -> 200 "ok"  (Docker's HEALTHCHECK, humans)
#   GET /version              -> 200 the image's version (build-arg SMOKE_VERSION: v1, v2, ...; dev otherwise)
#   GET /health?nonce=N       -> 200 {"status":"ok","tenant":"<TENANT_ID>","nonce":"N","proof":"<hex>"}
#                                proof = lowercase hex SHA-256 of (health token || N): the token is the file
#                                $HEALTH_TOKEN_FILE, N is 16-128 characters of [A-Za-z0-9_-] chosen by the prober.
#   GET /redis-ping           -> 200 "PONG" after AUTH as $REDIS_USER with the password read from $REDIS_PASSWORD_FILE
#                                on this request (re-read on every use: rotation), 503 with Redis's refusal otherwise
#   /health while /tmp/www/health is missing -> 404 (how tests break a tenant's health); anything else -> 404.
#
# Not an HMAC: busybox has sha256sum but no HMAC, and building one in sh needs binary XOR. With a fresh prober-chosen
# nonce of fixed form and the secret token first, a sniffed answer cannot be replayed for another nonce, and SHA-256
# length extension only yields digests for nonces that carry padding bytes, which the prober never sends.
# The token is read with the shell's builtins and piped to sha256sum: it never appears on a command line.

BB=/bin/busybox
CR=$(printf '\r')
set -f # the request line is split into words: no globbing of client input

respond() { # STATUS REASON BODY
  printf 'HTTP/1.1 %s %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n%s' \
    "$1" "$2" "${4:-text/plain}" "${#3}" "$3"
  exit 0
}

IFS= read -r request || exit 0
request=${request%"$CR"}
# Read the headers to the blank line (bounded): closing with unread input would reset the connection.
lines=0
while [ "$lines" -lt 64 ] && IFS= read -r header; do
  header=${header%"$CR"}
  [ -n "$header" ] || break
  lines=$((lines + 1))
done

set -- $request
method=${1:-} target=${2:-}
[ "$method" = GET ] || respond 405 'Method Not Allowed' 'method not allowed'
path=${target%%\?*}
query=
case $target in *\?*) query=${target#*\?} ;; esac
[ "$path" = /version ] && respond 200 OK "${TENANT_SMOKE_VERSION:-dev}"
if [ "$path" = /redis-ping ]; then
  # Reads the password file anew on every use (the product-image contract): after a credential rotation, the next
  # request logs in with the new password. printf is a builtin: the password is on no command line.
  [ -n "${REDIS_USER:-}" ] && [ -n "${TENANT_REDIS_HOST:-}" ] || respond 404 'Not Found' 'no Redis configured'
  password=
  [ -f "${REDIS_PASSWORD_FILE:-}" ] && IFS= read -r password <"$REDIS_PASSWORD_FILE"
  password=${password%"$CR"}
  case $password in '' | *[!A-Za-z0-9_-]*) respond 503 'Service Unavailable' 'the Redis password file is unreadable' ;; esac
  reply=$(printf 'AUTH %s %s\r\nPING\r\nQUIT\r\n' "$REDIS_USER" "$password" |
    $BB timeout 5 $BB nc -w 3 "$TENANT_REDIS_HOST" "$TENANT_REDIS_PORT" 2>/dev/null | $BB tr -d '\r')
  password=
  case $reply in "+OK
+PONG"*) respond 200 OK 'PONG' ;; esac
  respond 503 'Service Unavailable' "Redis refused: ${reply%%
*}"
fi
[ "$path" = /health ] || respond 404 'Not Found' 'not found'
[ -f /tmp/www/health ] || respond 404 'Not Found' 'not found'

nonce=
old_ifs=$IFS
IFS='&'
for parameter in $query; do
  case $parameter in nonce=*) nonce=${parameter#nonce=} ;; esac
done
IFS=$old_ifs
[ -n "$nonce" ] || respond 200 OK ok

case $nonce in *[!A-Za-z0-9_-]*) respond 400 'Bad Request' 'nonce may only hold [A-Za-z0-9_-]' ;; esac
[ "${#nonce}" -ge 16 ] && [ "${#nonce}" -le 128 ] || respond 400 'Bad Request' 'nonce must be 16-128 characters'
token=
[ -n "${HEALTH_TOKEN_FILE:-}" ] && [ -f "$HEALTH_TOKEN_FILE" ] && IFS= read -r token <"$HEALTH_TOKEN_FILE"
token=${token%"$CR"}
[ -n "$token" ] || respond 503 'Service Unavailable' 'no health token: cannot prove the tenant identity'
proof=$(printf '%s%s' "$token" "$nonce" | $BB sha256sum)
token=
proof=${proof%% *}
respond 200 OK "{\"status\":\"ok\",\"tenant\":\"$TENANT_ID\",\"nonce\":\"$nonce\",\"proof\":\"$proof\"}" application/json
