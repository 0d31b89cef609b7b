#!/usr/bin/env bash
# A test host: a network namespace of its own with its own Docker engine (bridge networking and iptables on,
# inside the namespace only), the tenant smoke images loaded into it and, with --services, its own PostgreSQL and
# Redis listening on the namespace's services address. Nothing of it is reachable from the machine's namespace
# except the engine's unix socket; run commands inside it with `nsenter --net=/var/run/netns/NAME ...`.
#
#   bash scripts/test-host.sh up NAME [--services] [--build] [--node-resource KIND=N]
#                                                    start it (prints KEY=VALUE lines: socket, addresses, ports);
#                                                    --node-resource: the engine advertises N of KIND to a swarm
#                                                    (dockerd --node-generic-resource), e.g. tenant-slot=3
#   bash scripts/test-host.sh down NAME              stop and remove everything `up` made (idempotent)
#   bash scripts/test-host.sh link NAME1 NAME2 K     join two running test hosts by a veth pair: NAME1 gets
#                                                    10.201.K.1/24, NAME2 10.201.K.2/24 (K 0-255; prints both);
#                                                    the pair goes away with either namespace
#
# The smoke images are copied from the machine's engine (docker save | docker load); with --build they are built
# from this checkout's docker/tenant-smoke into the test host's engine instead, so a tag that someone rebuilt from
# another checkout in the machine's engine does not matter (what the tests use).
# NAME: 2-12 characters [a-z0-9] (it names the namespace, /run/NAME, /var/lib/NAME and the cgroup parent).
# Needs root, iproute2, util-linux (nsenter, runuser), dockerd, PostgreSQL binaries under /usr/lib/postgresql/*/bin,
# redis-server and the smoke images in the machine's engine (bash docker/tenant-smoke/build.sh).
# On a shared machine, hold the services lock: flock /tmp/tf-services.lock bash scripts/test-host.sh up tfhost1
#
# Why nsenter and not `ip netns exec`: the latter remounts /sys for the namespace, and dockerd then fails with
# "Devices cgroup isn't mounted". `nsenter --net=` changes the network namespace only.
set -euo pipefail

# The address the test host's PostgreSQL and Redis listen on; it exists inside the namespace only (on its lo).
SERVICES_ADDRESS=${TEST_HOST_SERVICES_ADDRESS:-10.250.0.1}
PG_PORT=5432
REDIS_PORT=6379
IMAGES=${TEST_HOST_IMAGES:-tenantforge/tenant-smoke:dev tenantforge/tenant-smoke:unhealthy}

usage() {
  echo "usage: $0 up NAME [--services] [--build] [--node-resource KIND=N] | down NAME | link NAME1 NAME2 K" >&2
  exit 64
}

[ $# -ge 2 ] || usage
action=$1
name=$2
[[ $name =~ ^[a-z0-9]{2,12}$ ]] || { echo "test-host.sh: NAME must be 2-12 characters [a-z0-9]" >&2; exit 64; }

netns=/var/run/netns/$name
run_dir=/run/$name
data_dir=/var/lib/$name
socket=$run_dir/docker.sock
in_ns() { nsenter --net="$netns" "$@"; }

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || { echo "test-host.sh: no PostgreSQL binaries under /usr/lib/postgresql/*/bin" >&2; return 1; }
  echo "$bin"
}

# Kills the process whose pid is in FILE (TERM, then KILL after a bounded wait).
kill_pidfile() {
  local file=$1 pid i
  [ -s "$file" ] || return 0
  pid=$(head -n 1 "$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  if [ -S "$socket" ]; then
    # out of any swarm first (its orchestrator would start tasks again), then the containers
    docker -H "unix://$socket" swarm leave --force >/dev/null 2>&1 || true
    # containers first: their shims would otherwise outlive the engine
    docker -H "unix://$socket" ps -aq 2>/dev/null | xargs -r docker -H "unix://$socket" rm -f >/dev/null 2>&1 || true
  fi
  kill_pidfile "$run_dir/docker.pid"
  kill_pidfile "$run_dir/exec/containerd/containerd.pid"
  if [ -s "$data_dir/postgres/postmaster.pid" ]; then
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$data_dir/postgres" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
      kill_pidfile "$data_dir/postgres/postmaster.pid"
  fi
  kill_pidfile "$run_dir/redis.pid"
  # whatever else still runs in the namespace (shims, proxies): it is ours, we made the namespace
  if [ -e "$netns" ]; then
    ip netns pids "$name" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$name" 2>/dev/null || true
  fi
  # the engine's mounts under its data and exec roots (overlay layers, netns files) before removing them
  grep -oE " ($data_dir|$run_dir)[^ ]*" /proc/self/mounts | sort -r | xargs -r -n 1 umount -l 2>/dev/null || true
  rm -rf "$data_dir" "$run_dir"
  rmdir "/sys/fs/cgroup/$name" 2>/dev/null || true
}

up() {
  local services=$1 build=$2 resources=$3 i
  [ ! -e "$netns" ] || { echo "test-host.sh: $name exists already (down it first)" >&2; exit 1; }
  trap 'echo "test-host.sh: up failed, removing $name" >&2; down' ERR
  ip netns add "$name"
  in_ns ip link set lo up
  in_ns ip addr add "$SERVICES_ADDRESS/32" dev lo
  mkdir -p "$run_dir" "$data_dir/docker"
  in_ns dockerd --data-root "$data_dir/docker" --exec-root "$run_dir/exec" -H "unix://$socket" \
    --pidfile "$run_dir/docker.pid" --cgroup-parent "$name" --containerd-namespace "$name" \
    --containerd-plugins-namespace "$name-plugins" --iptables=true --ip-forward=true $resources \
    >"$run_dir/dockerd.log" 2>&1 &
  for i in $(seq 1 300); do
    docker -H "unix://$socket" version >/dev/null 2>&1 && break
    [ "$i" -lt 300 ] || { echo "test-host.sh: dockerd in $name did not answer (see $run_dir/dockerd.log)" >&2; false; }
    sleep 0.1
  done
  if [ "$build" = yes ]; then
    DOCKER_HOST="unix://$socket" bash "$(dirname "${BASH_SOURCE[0]}")/../docker/tenant-smoke/build.sh" >/dev/null
  else
    for image in $IMAGES; do
      docker save "$image" | docker -H "unix://$socket" load >/dev/null
    done
  fi
  if [ "$services" = yes ]; then
    local bin
    bin=$(pg_bin)
    mkdir -p "$data_dir/postgres"
    chown postgres: "$data_dir/postgres"
    chmod 0700 "$data_dir/postgres"
    runuser -u postgres -- "$bin/initdb" -D "$data_dir/postgres" -A trust -U postgres >/dev/null
    # tenants connect from the engine's bridges: any address, with a password (the test host's roles have one)
    echo "host all all 0.0.0.0/0 scram-sha-256" >>"$data_dir/postgres/pg_hba.conf"
    in_ns runuser -u postgres -- "$bin/pg_ctl" -D "$data_dir/postgres" -w -t 30 -l "$data_dir/postgres/log" \
      -o "-c listen_addresses=$SERVICES_ADDRESS -c port=$PG_PORT -c unix_socket_directories=$data_dir/postgres" \
      start >/dev/null
    in_ns redis-server --bind "$SERVICES_ADDRESS" --port "$REDIS_PORT" --daemonize yes \
      --pidfile "$run_dir/redis.pid" --dir "$data_dir" --save '' --appendonly no \
      --logfile "$run_dir/redis.log" --protected-mode no
    for i in $(seq 1 100); do
      in_ns redis-cli -h "$SERVICES_ADDRESS" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
      [ "$i" -lt 100 ] || { echo "test-host.sh: redis in $name did not answer" >&2; false; }
      sleep 0.1
    done
  fi
  trap - ERR
  echo "NETNS=$netns"
  echo "DOCKER_HOST=unix://$socket"
  echo "SERVICES_ADDRESS=$SERVICES_ADDRESS"
  if [ "$services" = yes ]; then
    echo "POSTGRES_PORT=$PG_PORT"
    echo "POSTGRES_SOCKET_DIR=$data_dir/postgres"
    echo "REDIS_PORT=$REDIS_PORT"
  fi
}

# Joins this test host and OTHER by a veth pair on 10.201.K.0/24 (addresses inside the two namespaces only).
link() {
  local other=$1 k=$2
  [[ $other =~ ^[a-z0-9]{2,12}$ ]] || { echo "test-host.sh: NAME2 must be 2-12 characters [a-z0-9]" >&2; exit 64; }
  [[ $k =~ ^[0-9]{1,3}$ ]] && [ "$k" -le 255 ] || { echo "test-host.sh: K must be 0-255" >&2; exit 64; }
  [ -e "$netns" ] && [ -e "/var/run/netns/$other" ] || { echo "test-host.sh: both test hosts must be up" >&2; exit 1; }
  # interface names are at most 15 bytes: a digest of each end's side
  local here there
  here=v$(printf '%s>%s' "$name" "$other" | md5sum | cut -c1-10)
  there=v$(printf '%s>%s' "$other" "$name" | md5sum | cut -c1-10)
  ip link add "$here" type veth peer name "$there"
  ip link set "$here" netns "$name"
  ip link set "$there" netns "$other"
  in_ns ip addr add "10.201.$k.1/24" dev "$here"
  in_ns ip link set "$here" up
  nsenter --net="/var/run/netns/$other" ip addr add "10.201.$k.2/24" dev "$there"
  nsenter --net="/var/run/netns/$other" ip link set "$there" up
  echo "LINK_ADDRESS_${name^^}=10.201.$k.1"
  echo "LINK_ADDRESS_${other^^}=10.201.$k.2"
}

case $action in
  link) [ $# -eq 4 ] || usage; link "$3" "$4" ;;
  up)
    services=no build=no resources=
    set -- "${@:3}"
    while [ $# -gt 0 ]; do
      case $1 in
        --services) services=yes ;;
        --build) build=yes ;;
        --node-resource)
          [[ ${2:-} =~ ^[a-z][a-z0-9-]*=[0-9]+$ ]] || usage
          resources="$resources --node-generic-resource $2"
          shift
          ;;
        *) usage ;;
      esac
      shift
    done
    up "$services" "$build" "$resources"
    ;;
  down) down ;;
  *) usage ;;
esac
