#!/usr/bin/env bash
# Benchmarks tenantforge against bench/raw-provision.sh (raw psql, redis-cli, docker) on this machine (run on demand, as root).
# usage: bash bench/run.sh            (SINGLE=30 BURST=200 RAW_PARALLEL=8 INTAKE_SECONDS=10 by default)
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"
bash scripts/services.sh
bash docker/tenant-smoke/build.sh
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
ls target/tenantforge-*.jar >/dev/null 2>&1 || ./mvnw -B -q package -DskipTests
mkdir -p target/bench
python3 bench/bench.py | tee target/bench/results.md
