#!/usr/bin/env bash
# Wake latency: how long the first request to an idle (scaled-to-zero)
# instance takes, through HTTPS (Caddy), the waker and the app's start and
# health check, to its first byte; beside the same request to the same app
# awake. One demo-app instance on a fresh controller with idle_after_s = 1;
# each sample waits until `show` says idle, then times one curl
# (time_starttransfer). Every answer must be 200: a refused first request
# fails the run.
#
# Run as root (what the e2e tests need). Reuses tests/e2e/lib.sh (fresh data
# dir under /tmp, controller start, cleanup trap); everything made is removed.
# Usage: bench/wake_latency.sh        (N=20; about a minute)
#   N=…  samples of each kind
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=${N:-20}
export MELTANODATA_BIN=${MELTANODATA_BIN:-$ROOT/build/bin/meltanodata}
export MELTANODATA_SOURCE_DIR=$ROOT
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
source "$ROOT/tests/e2e/lib.sh"

echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N"
EXTRA_CONFIG="idle_after_s = 1" start_controller
HP=$(awk -F' = ' '$1 == "https_port" {print $2}' "$DATA/config.toml")
URL="https://$P-w.localhost:$HP/version"
md create --subdomain "$P-w" --email w@$P-w.example --name W >/dev/null
first_byte() {
  curl -s -o /dev/null -w '%{http_code} %{time_starttransfer}\n' --max-time 60 \
    --cacert "$DATA/ca/local/root.pem" "$URL"
}
status() { jq -r .status <<<"$(md show "$P-w" -o json)"; }

: >"$DATA/asleep.tsv"
: >"$DATA/awake.tsv"
for _ in $(seq 1 "$N"); do
  for _ in $(seq 1 300); do [ "$(status)" = idle ] && break; sleep 0.05; done
  [ "$(status)" = idle ] || fail "not idle"
  read -r code seconds < <(first_byte)
  [ "$code" = 200 ] || fail "a waking request was answered $code"
  echo "$seconds" >>"$DATA/asleep.tsv"
  read -r code seconds < <(first_byte)
  [ "$code" = 200 ] || fail "a request to the awake app was answered $code"
  echo "$seconds" >>"$DATA/awake.tsv"
done

summary() {
  sort -g "$1" | awk -v what="$2" '{ v[NR] = $1 * 1000 }
    END { p50 = v[int((NR + 1) / 2)]; p95 = v[int(NR * 0.95 + 0.999)];
          printf "%s\t%d\t%.0f\t%.0f\t%.0f\n", what, NR, p50, p95, v[NR] }'
}
echo -e "what\truns\tp50_ms\tp95_ms\tmax_ms"
summary "$DATA/asleep.tsv" "first byte, app asleep (wake)"
summary "$DATA/awake.tsv" "first byte, app awake"
stop_controller
