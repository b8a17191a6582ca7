#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, a supported Node (fetched from
# the npm registry into .node/ when the system's is older than 22.12), npm packages, then
# `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
node_env="$(node scripts/node-runtime.mjs env)" # a failure stops here (set -e)
eval "$node_env"
node scripts/install-packages.mjs
npm test
