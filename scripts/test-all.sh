#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, npm packages, then `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
# better-sqlite3 compiles against the local Node headers (its prebuilt download is unreachable here).
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "npm packages: installing (about 90 s: better-sqlite3 compiles from source)"
  npm ci --no-audit --no-fund
fi
npm test
