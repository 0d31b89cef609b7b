#!/usr/bin/env bash
# The one test command: starts what the tests need on this machine (Docker Engine, PostgreSQL, Redis; installs
# docker.io, busybox-static and chromium when missing), builds the tenant smoke images, then runs every test tier
# (`./mvnw -B verify`: in-process tests, then the packaged-jar tests). Extra arguments go to Maven.
# usage: bash scripts/test.sh [MAVEN ARGS...]
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"

bash scripts/services.sh
bash docker/tenant-smoke/build.sh
bash scripts/external-broker.sh fetch # the external Artemis of ExternalBrokerIT, from Maven Central
exec ./mvnw -B verify "$@"
