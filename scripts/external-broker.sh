#!/usr/bin/env bash
# An external Apache Artemis broker for tenantforge, secured the way the control plane expects: login required on
# every protocol (one acceptor for CORE, AMQP, STOMP, OpenWire), hashed passwords, and the least-privilege roles of
# the README (producer, control-plane, operator, admin) on tenant.orders, tenant.orders.DLQ and everything else.
# The broker distribution comes from Maven Central (org.apache.activemq:apache-artemis:2.40.0, bin tar.gz).
#
# usage: bash scripts/external-broker.sh fetch                 download and unpack the distribution (target/artemis)
#        bash scripts/external-broker.sh create DIR PORT        a broker instance in DIR on 127.0.0.1:PORT
#        bash scripts/external-broker.sh run DIR                run it in the foreground (Ctrl-C stops it)
# Passwords for create (environment; each user is created only when its password is given):
#   BROKER_ADMIN_PASSWORD (required: user broker-admin), TENANTFORGE_BROKER_PASSWORD (user tenantforge, the control
#   plane), BROKER_PRODUCER_PASSWORD (user orders), BROKER_OPERATOR_PASSWORD (user operator)
# Then run the control plane with --spring.artemis.mode=native --spring.artemis.broker-url=tcp://127.0.0.1:PORT
#   --spring.artemis.embedded.enabled=false and TENANTFORGE_BROKER_PASSWORD.
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

readonly VERSION=2.40.0
readonly DIST_ROOT=$PWD/target/artemis
readonly DIST=$DIST_ROOT/apache-artemis-$VERSION

die() { printf 'external-broker: ERROR: %s\n' "$*" >&2; exit 1; }

fetch() {
  [ -x "$DIST/bin/artemis" ] && return 0
  local archive=$HOME/.m2/repository/org/apache/activemq/apache-artemis/$VERSION/apache-artemis-$VERSION-bin.tar.gz
  if [ ! -f "$archive" ]; then
    ./mvnw -B -q dependency:get -Dartifact="org.apache.activemq:apache-artemis:$VERSION:tar.gz:bin" -Dtransitive=false
  fi
  mkdir -p "$DIST_ROOT"
  tar -xzf "$archive" -C "$DIST_ROOT"
  [ -x "$DIST/bin/artemis" ] || die "no $DIST/bin/artemis after unpacking $archive"
}

hash_of() { "$DIST/bin/artemis" mask --hash "$1" | sed -n 's/^result: //p'; }

create() {
  local dir=$1 port=$2
  [ -n "${BROKER_ADMIN_PASSWORD:-}" ] || die "BROKER_ADMIN_PASSWORD is not set"
  fetch
  rm -rf "$dir"
  "$DIST/bin/artemis" create "$dir" --silent --require-login --user broker-admin --password "$BROKER_ADMIN_PASSWORD" \
    --role admin --host 127.0.0.1 --http-host 127.0.0.1 --no-web --default-port "$port" --no-amqp-acceptor \
    --no-stomp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor \
    --queues tenant.orders:anycast,tenant.orders.DLQ:anycast >"$dir.create.log" 2>&1 ||
    { cat "$dir.create.log" >&2; die "artemis create failed"; }
  rm -f "$dir.create.log"

  # users with hashed passwords (ENC(...) is Artemis's one-way PBKDF2 form), one role each
  local users=$dir/etc/artemis-users.properties roles=$dir/etc/artemis-roles.properties
  add_user() { # NAME ROLE PASSWORD
    [ -n "$3" ] || return 0
    printf '%s = ENC(%s)\n' "$1" "$(hash_of "$3")" >>"$users"
    printf '%s = %s\n' "$2" "$1" >>"$roles"
  }
  sed -i '/^admin *=/d' "$roles"
  for file in "$users" "$roles"; do # the files Artemis writes end without a newline
    [ -z "$(tail -c 1 "$file")" ] || echo >>"$file"
  done
  printf 'admin = broker-admin\n' >>"$roles"
  add_user tenantforge control-plane "${TENANTFORGE_BROKER_PASSWORD:-}"
  add_user orders producer "${BROKER_PRODUCER_PASSWORD:-}"
  add_user operator operator "${BROKER_OPERATOR_PASSWORD:-}"
  chmod 0600 "$users"

  # the roles of the README, and the sender's login stamped on each message (the order budget charges it)
  python3 - "$dir/etc/broker.xml" <<'PY'
import re, sys
path = sys.argv[1]
xml = open(path).read()
admin = ["send", "consume", "browse", "createAddress", "deleteAddress", "createDurableQueue", "deleteDurableQueue",
         "createNonDurableQueue", "deleteNonDurableQueue", "manage"]
def setting(match, grants):
    by_type = {}
    for role, types in grants.items():
        for t in types:
            by_type.setdefault(t, []).append(role)
    lines = "".join(f'            <permission type="{t}" roles="{",".join(r)}"/>\n' for t, r in by_type.items())
    return f'         <security-setting match="{match}">\n{lines}         </security-setting>\n'
settings = ("      <security-settings>\n"
    + setting("tenant.orders", {"producer": ["send"], "operator": ["send"],
                                "control-plane": ["consume", "createAddress", "createDurableQueue"], "admin": admin})
    + setting("tenant.orders.DLQ", {"control-plane": ["send", "createAddress", "createDurableQueue"],
                                    "operator": ["browse", "consume"], "admin": admin})
    + setting("#", {"admin": admin})
    + "      </security-settings>")
xml, n = re.subn(r"<security-settings>.*?</security-settings>", settings, xml, flags=re.S)
assert n == 1, "no <security-settings> in broker.xml"
xml, n = re.subn(r"(<core [^>]*>)", r"\1\n      <populate-validated-user>true</populate-validated-user>", xml, count=1)
assert n == 1, "no <core> in broker.xml"
open(path, "w").write(xml)
PY
  echo "external-broker: created $dir on 127.0.0.1:$port (run: bash scripts/external-broker.sh run $dir)"
}

case "${1:-}" in
  fetch) fetch ;;
  create) [ $# -eq 3 ] || die "usage: create DIR PORT"; mkdir -p "$(dirname "$2")"; create "$(realpath -m "$2")" "$3" ;;
  run) [ $# -eq 2 ] || die "usage: run DIR"; exec "$2/bin/artemis" run ;;
  *) sed -n '2,15p' "$0" >&2; exit 2 ;;
esac
