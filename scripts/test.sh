#!/usr/bin/env bash
# The one test command: starts what the tests need on this machine (Docker Engine, PostgreSQL, Redis; installs
# docker.io, busybox-static and chromium when missing), builds the tenant smoke images, then runs every test tier
# (`./mvnw -B verify`: in-process tests, then the packaged-jar tests), after linting the API contract.
# Extra arguments go to Maven.
# usage: bash scripts/test.sh [MAVEN ARGS...]
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

bash scripts/services.sh
bash docker/tenant-smoke/build.sh
bash scripts/external-broker.sh fetch # the external Artemis of ExternalBrokerIT, from Maven Central
# the API's contract must lint with 0 errors (Redocly CLI from the npm registry; Node.js from Debian if missing)
command -v npx >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm; }
bash scripts/lint-api.sh
exec ./mvnw -B verify "$@"
