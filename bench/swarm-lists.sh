#!/usr/bin/env bash
# Measures what the swarm driver's fleet observation costs at N tenants (default 500) on this machine's engine:
# N tenant-like services (labelled as tenantforge's, scaled to 0: no containers, so 2 cores can hold them) plus
# RUNNING (default 20) with one running task, then the three list calls the sweep makes (services by label, tasks,
# nodes) and the secret list: time (median of 5) and size of each answer. Creates a single-node swarm when the
# engine is in none and leaves it again; removes everything it made. Run as root under the services lock:
#   flock /tmp/tf-services.lock bash bench/swarm-lists.sh
set -euo pipefail
N=${N:-500}
RUNNING=${RUNNING:-20}
IMAGE=${IMAGE:-tenantforge/tenant-smoke:dev}
sock=/var/run/docker.sock
api=http://localhost/v1.41
created=no
cleanup() {
  docker service ls -q --filter label=io.tenantforge.bench=swarm-lists | xargs -r docker service rm >/dev/null 2>&1 || true
  docker secret ls -q --filter label=io.tenantforge.bench=swarm-lists | xargs -r docker secret rm >/dev/null 2>&1 || true
  [ "$created" = no ] || docker swarm leave --force >/dev/null 2>&1 || true
}
trap cleanup EXIT
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  created=yes
fi
labels=(--label io.tenantforge.managed-by=tenantforge --label io.tenantforge.bench=swarm-lists)
start=$(date +%s.%N)
for i in $(seq 1 "$N"); do
  printf 'bench-secret-%s' "$i" | docker secret create "${labels[@]}" "tenant-bench-$i-s" - >/dev/null
  docker service create -d -q --name "tenant-bench-$i" "${labels[@]}" --label "io.tenantforge.tenant=bench-$i" \
    --replicas 0 --limit-memory 64m --limit-cpu 0.5 --reserve-memory 32m --reserve-cpu 0.1 \
    --secret "source=tenant-bench-$i-s,target=database_password,mode=0400" \
    --network host "$IMAGE" >/dev/null
done
echo "created $N services (and a secret each) in $(echo "$(date +%s.%N) - $start" | bc) s"
for i in $(seq 1 "$RUNNING"); do
  docker service create -d -q --name "tenant-benchrun-$i" "${labels[@]}" --label "io.tenantforge.tenant=benchrun-$i" \
    --entrypoint /bin/busybox --network host "$IMAGE" sleep 3600 >/dev/null
done
for i in $(seq 1 120); do
  [ "$(docker service ls --filter label=io.tenantforge.bench=swarm-lists --format '{{.Replicas}}' | grep -c '^1/1')" -ge "$RUNNING" ] && break
  sleep 1
done
measure() { # NAME PATH
  local times=() size
  for _ in 1 2 3 4 5; do
    times+=("$(curl -s -o /tmp/swarm-lists.json -w '%{time_total}' --unix-socket "$sock" "$api$2")")
  done
  size=$(stat -c %s /tmp/swarm-lists.json)
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  echo "| $1 | $(python3 -c "import json;print(len(json.load(open('/tmp/swarm-lists.json'))))") items | $size bytes | $(python3 -c "print(round($median*1000,1))") ms |"
}
filter=$(python3 -c 'import urllib.parse,json;print(urllib.parse.quote(json.dumps({"label":["io.tenantforge.managed-by=tenantforge"]})))')
echo "| call | items | answer | median of 5 |"
echo "|---|---|---|---|"
measure "services (label filter)" "/services?filters=$filter"
measure "tasks (all)" "/tasks"
measure "nodes" "/nodes"
measure "secrets (label filter)" "/secrets?filters=$filter"
ps -o rss= -C dockerd | awk '{s+=$1} END {print "dockerd RSS: " s/1024 " MB"}'
