#!/usr/bin/env bash
# The instance list with many instances: builds bench/list_instances_bench
# (if needed) and runs it: fills a fresh store with N instances through the
# store's own code, then times the store query alone and GET /v1/instances end
# to end through the HTTP API server, whole and paged (p50/p95/max over RUNS
# requests). Needs no root and touches nothing outside a temp dir it removes.
# Usage: bench/list_instances.sh        (N=10000 RUNS=50; about a minute)
#   N=…      instances     RUNS=…   requests per measurement
#   BUILD=…  the build dir (default build)
# Exit 1 when a page (the API's or the dashboard's) takes 100 ms or more at p95.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
N=${N:-10000}
RUNS=${RUNS:-50}

cmake --build "$BUILD" --target list_instances_bench >/dev/null
echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N RUNS=$RUNS"
if [ "$(cut -d. -f1 /proc/loadavg)" -ge "$(nproc)" ]; then
  echo "# note: the machine is busy (other builds or tests): figures are skewed; re-run when it is quiet"
fi
exec "$BUILD/bin/list_instances_bench" "$N" "$RUNS"
