#!/bin/bash
# validate.sh DOC WORKDIR: installs swagger-parser from npm into WORKDIR (once)
# and validates the OpenAPI document DOC with it. Exit 77 (skipped) without npm.
set -euo pipefail
doc=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v npm >/dev/null && command -v node >/dev/null || { echo "npm or node missing: skipped"; exit 77; }
mkdir -p "$work"
cp "$here/package.json" "$here/validate.mjs" "$work/"
if [ ! -d "$work/node_modules/@apidevtools/swagger-parser" ]; then
  (cd "$work" && npm install --no-audit --no-fund --silent)
fi
node "$work/validate.mjs" "$doc"
