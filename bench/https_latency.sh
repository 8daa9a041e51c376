#!/usr/bin/env bash
# HTTPS latency: for N instances created one after another on a fresh
# controller, the wall time from starting `meltanodata create` to the first
# HTTPS 200 through Caddy, verified by curl against the CA's root, at p50/p95;
# beside it the create's own wall time and its front-door steps (add_route,
# publish_dns) from `meltanodata ops show ID -o json`.
#
# The probe runs in parallel with the create: a background loop started just
# before the create runs `curl --cacert ROOT https://SUB.DOMAIN:HTTPS_PORT/healthz`
# (max 2 s each), sleeps 10 ms, and repeats until a 200. "First 200" is the
# moment that curl returned (so it includes that one probe's own time, which is
# reported too). Before add_route there is no route and no certificate for the
# host (curl: 000), so the first 200 can only come after that step.
#
# MODE=local (default): the embedded defaults, domain localhost, certificates
# from the controller's local CA (one per instance), curl --cacert
# DATA/ca/local/root.pem; *.localhost needs no DNS.
# MODE=acme: a real Knot and Pebble as in tests/e2e/acme_test.sh (helpers from
# tests/e2e/acme_fixtures.sh), domain example.test; the trusted wildcard is
# issued before the first create; curl with Pebble's root and --resolve.
#
# Run as root from anywhere (needs what the e2e tests need: PostgreSQL 15, s6,
# Caddy, jq, curl, python3; for MODE=acme also knotd, kdig, pebble, openssl).
# Everything made here is removed on exit.
# Usage: bench/https_latency.sh              (N=20, MODE=local; about 1 min)
#   MODE=acme      Knot + Pebble, trusted wildcard
#   N=…            instances
#   RESULTS_DIR=…  keep the raw per-sample TSVs and op JSONs there (default: discarded)
#   DEADLINE_S=…   give up (and clean up) after this long (default 600)
#   MELTANODATA_BIN=…  the binary (default build/bin/meltanodata; meltanodata-demo beside it)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=${N:-20}
MODE=${MODE:-local}
export MELTANODATA_BIN=${MELTANODATA_BIN:-$ROOT/build/bin/meltanodata}
DEMO_BIN=${DEMO_BIN:-$(dirname "$MELTANODATA_BIN")/meltanodata-demo}
DEADLINE_S=${DEADLINE_S:-600}
CMD_TIMEOUT_S=60
PROBE_LIMIT_MS=30000            # no 200 this long after the create started: fail

case "$MODE" in local | acme) ;; *) echo "MODE must be local or acme" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "run as root (useradd, s6 services as tenant users)" >&2; exit 2; }
tools="psql jq curl python3 setpriv useradd s6-svscan caddy timeout"
[ "$MODE" = acme ] && tools="$tools knotd kdig pebble openssl"
for tool in $tools; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool" >&2; exit 2; }
done
if [ ! -x "$MELTANODATA_BIN" ] || [ ! -x "$DEMO_BIN" ]; then
  echo "build first: cmake --build build -j2 --target meltanodata meltanodata-demo" >&2
  exit 2
fi

# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"            # DATA, md, start_controller, cleanup
# shellcheck source=../tests/e2e/acme_fixtures.sh
source "$ROOT/tests/e2e/acme_fixtures.sh"  # FIX, start_knot, start_pebble, acme_config, …

# Private copies, so that a rebuild of the binaries during the run changes nothing.
mkdir -p "$DATA/bin"
cp "$MELTANODATA_BIN" "$DEMO_BIN" "$DATA/bin/"
BIN="$DATA/bin/$(basename "$MELTANODATA_BIN")"

PROBE_PID=""
WATCHDOG=""
bench_cleanup() {
  local st=$?
  set +e
  [ -n "$PROBE_PID" ] && kill -KILL "$PROBE_PID" 2>/dev/null
  if [ -n "${WATCHDOG:-}" ]; then pkill -KILL -P "$WATCHDOG" 2>/dev/null; kill -KILL "$WATCHDOG" 2>/dev/null; fi
  [ -n "${RESULTS_DIR:-}" ] && [ -d "$DATA/r" ] && mkdir -p "$RESULTS_DIR" && cp "$DATA"/r/* "$RESULTS_DIR"/
  acme_fixtures_stop "$st"
  # lib.sh's cleanup exits: run it in a subshell, then retry its last rm.
  (cleanup) >/dev/null 2>&1
  for _ in 1 2 3 4 5; do
    [ -e "$DATA" ] || break
    sleep 0.2
    rm -rf "$DATA" 2>/dev/null
  done
  exit "$st"
}
trap bench_cleanup EXIT
trap 'echo "deadline of ${DEADLINE_S}s passed" >&2; exit 124' TERM
( exec 2>/dev/null; sleep "$DEADLINE_S"; kill -TERM $$ ) &
WATCHDOG=$!
disown "$WATCHDOG"

now_ms() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000 + 10#${t#*.} / 1000 )); }
R="$DATA/r"
mkdir -p "$R"

echo "machine: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ), load: $(cut -d' ' -f1-3 /proc/loadavg), MODE=$MODE"
others() { pgrep -fa 'ctest|md-e2e\.|cc1plus|gmake|ninja' | grep -v "$DATA" | cut -c1-110 || true; }
o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at start (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6

HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
export HTTPS_PORT HTTP_PORT
if [ "$MODE" = acme ]; then
  start_knot
  start_pebble "$HTTP_PORT"
  EXTRA_CONFIG=$(acme_config "https://127.0.0.1:$PEBBLE_PORT/dir")
  export EXTRA_CONFIG
  t0=$(now_ms)
  start_controller
  wait_for 60 "a trusted wildcard in certs list" wildcard_trusted
  echo "trusted wildcard $(( $(now_ms) - t0 )) ms after the controller start was begun"
  CA_ROOT="$FIX/pebble-root.pem"
  DOMAIN=example.test
else
  start_controller
  CA_ROOT="$DATA/ca/local/root.pem"
  DOMAIN=localhost
fi
cp "$CA_ROOT" "$R/root.pem"
CA_ROOT="$R/root.pem"

# probe SUB OUT: curl until a verified 200, every ~10 ms; writes
# "first200_ms probes last_probe_ms" to OUT.
probe() {
  local sub=$1 out=$2 host="$1.$DOMAIN" n=0 code tp t1
  local args=(-s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$CA_ROOT")
  [ "$MODE" = acme ] && args+=(--resolve "$host:$HTTPS_PORT:127.0.0.1")
  local limit=$(( $(now_ms) + PROBE_LIMIT_MS ))
  while :; do
    tp=$(now_ms)
    code=$(curl "${args[@]}" "https://$host:$HTTPS_PORT/healthz" 2>/dev/null || true)
    t1=$(now_ms)
    n=$((n + 1))
    if [ "$code" = 200 ]; then
      echo "$t1 $n $((t1 - tp))" >"$out"
      return 0
    fi
    [ "$t1" -lt "$limit" ] || { echo "timeout $n $code" >"$out"; return 1; }
    sleep 0.01
  done
}

op_id() { grep -o 'operation #[0-9]*' "$1" | head -1 | tr -dc '0-9'; }

# Per-step durations of create ID as "i step ms" lines, with the step's start
# relative to the operation's creation ("i @step start_ms").
op_steps() {
  local i=$1 id=$2
  md ops show "$id" -o json >"$R/op-$i.json"
  jq -r --arg i "$i" '
    def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);
    if .state != "succeeded" then error("operation \(.id) \(.state)") else . end
    | (.created_at | ms) as $c
    | ( .steps[] | "\($i)\t\(.name)\t\((.finished_at|ms) - (.started_at|ms))" ),
      ( .steps[] | "\($i)\t@\(.name) ends\t\((.finished_at|ms) - $c)" ),
      "\($i)\t(server total: accepted→finished)\t\((.finished_at|ms) - $c)"
  ' "$R/op-$i.json" >>"$R/steps.tsv"
  # The operation's creation time as epoch ms, for lining it up with the CLI's clock.
  jq -r 'def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber); .created_at | ms' "$R/op-$i.json"
}

case "$MODE" in local) PFX=hl ;; acme) PFX=ha ;; esac
sub_of() { printf '%s%02d' "$PFX" "$1"; }

echo "creating $N instances one after another, each probed over https from the start of its create …"
for i in $(seq 1 "$N"); do
  sub=$(sub_of "$i")
  rm -f "$R/probe-$i"
  t0=$(now_ms)
  probe "$sub" "$R/probe-$i" &
  PROBE_PID=$!
  timeout "$CMD_TIMEOUT_S" "$BIN" create --subdomain "$sub" --email "ops+$i@bench.example" --name "Bench $i" \
    >"$R/create-$i.out" 2>&1 || fail "create $sub: $(cat "$R/create-$i.out")"
  t1=$(now_ms)
  wait "$PROBE_PID" || fail "$sub: no verified https 200 within $((PROBE_LIMIT_MS / 1000)) s: $(cat "$R/probe-$i")"
  PROBE_PID=""
  read -r t200 probes last <"$R/probe-$i"
  created=$(op_steps "$i" "$(op_id "$R/create-$i.out")")
  # i, create wall, https first 200 (from create start), probes, that probe's ms, op accepted (from create start)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" $((t1 - t0)) $((t200 - t0)) "$probes" "$last" $((created - t0)) >>"$R/https.tsv"
done

o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at end (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "certificates: $(md certs list -o json | jq -r 'group_by(.purpose) | map("\(.[0].purpose) \(length)") | join(", ")')"
[ "$MODE" = acme ] && echo "ACME orders seen by Pebble: $(pebble_orders), certificates issued: $(pebble_issued)"
echo

python3 - "$R" <<'PY'
import csv, math, sys, collections
r = sys.argv[1]
def rows(name):
    with open(f"{r}/{name}") as f:
        return [row for row in csv.reader(f, delimiter="\t")]
def pct(xs, p):  # nearest rank
    xs = sorted(xs)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]
W = 50
def line(label, xs):
    return f"| {label:<{W}} | {pct(xs,50):>6} | {pct(xs,95):>6} | {min(xs):>6} | {max(xs):>6} |"
head = f"| {'ms':<{W}} | {'p50':>6} | {'p95':>6} | {'min':>6} | {'max':>6} |\n|{'-'*(W+2)}|-------:|-------:|-------:|-------:|"
h = rows("https.tsv")
wall = [int(x[1]) for x in h]
first = [int(x[2]) for x in h]
probes = [int(x[3]) for x in h]
last = [int(x[4]) for x in h]
acc = [int(x[5]) for x in h]
steps = collections.OrderedDict()
for i, name, ms in rows("steps.tsv"):
    steps.setdefault(name, []).append(int(ms))
print(f"N = {len(h)} (percentiles: nearest rank)\n")
print(head)
print(line("**create start → first verified https 200**", first))
print(line("create, CLI wall (returns after mark_running)", wall))
print(line("first 200 − create return (negative: before)", [f - w for f, w in zip(first, wall)]))
print(line("  the successful probe's own curl time", last))
print(line("create, server (accepted→finished)", steps["(server total: accepted→finished)"]))
print(line("  CLI start → operation accepted", acc))
print(line("  accepted → wait_healthy ends", steps["@wait_healthy ends"]))
print(line("  accepted → add_route ends", steps["@add_route ends"]))
print(line("  add_route ends → first 200 (CLI clock)", [f - a - e for f, a, e in zip(first, acc, steps["@add_route ends"])]))
print(f"\nprobes per instance: p50 {pct(probes,50)}, max {max(probes)}")
before = sum(1 for f, w in zip(first, wall) if f < w)
print(f"first 200 before the create returned: {before} of {len(h)}")
print("\ncreate by step:\n" + head)
for name, xs in steps.items():
    if not name.startswith("@") and not name.startswith("(server total"):
        print(line(name, xs))
PY
