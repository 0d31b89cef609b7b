#!/usr/bin/env bash
# Lints the REST API's contract with a standard OpenAPI linter (Redocly CLI, its recommended rules); exits non-zero
# on any error. Needs Node.js and npm (the package comes from the npm registry on first use).
# usage: bash scripts/lint-api.sh
set -euo pipefail
cd "$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")"
npx --yes @redocly/cli@2.77.0 lint src/main/resources/api/openapi.yaml
