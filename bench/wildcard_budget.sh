#!/usr/bin/env bash
# Wildcard budget: N tenants (default 60) on one registered domain behind a real
# ACME CA, within Let's Encrypt's "50 certificates per registered domain per
# week". A real Knot (RFC 2136 + TSIG) and a real Pebble resolving through it,
# as in tests/e2e/acme_test.sh (helpers from tests/e2e/acme_fixtures.sh); the
# controller runs with `[limits] certs_per_registered_domain = 50` (the
# published default, stated explicitly). After the trusted wildcard
# *.example.test is issued, N instances are created one after another (each
# create timed), then for every instance:
#   - its A record in Knot (kdig),
#   - HTTPS 200 on /healthz verified against Pebble's root (curl --cacert
#     --resolve SUB.example.test:PORT:127.0.0.1),
#   - the serial of the certificate Caddy serves for its SNI (openssl s_client
#     -servername), which must be one and the same for all;
# and the ACME orders (`POST /order-plz` in Pebble's log) and certificates
# Pebble issued are counted, with `certs list`.
#
# Run as root from anywhere (PostgreSQL 15, s6, Caddy, knotd, kdig, pebble,
# openssl, jq, curl, python3). Everything made here is removed on exit.
# Usage: bench/wildcard_budget.sh            (N=60; about 1–2 min)
#   N=…            instances
#   RESULTS_DIR=…  keep the raw TSVs, Pebble's log and certs list there
#   DEADLINE_S=…   give up (and clean up) after this long (default 900)
#   MELTANODATA_BIN=…  the binary (default build/bin/meltanodata; meltanodata-demo beside it)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=${N:-60}
LIMIT=50
export MELTANODATA_BIN=${MELTANODATA_BIN:-$ROOT/build/bin/meltanodata}
DEMO_BIN=${DEMO_BIN:-$(dirname "$MELTANODATA_BIN")/meltanodata-demo}
DEADLINE_S=${DEADLINE_S:-900}
CMD_TIMEOUT_S=60

[ "$(id -u)" = 0 ] || { echo "run as root (useradd, s6 services as tenant users)" >&2; exit 2; }
for tool in psql jq curl python3 setpriv useradd s6-svscan caddy timeout knotd kdig pebble openssl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool" >&2; exit 2; }
done
if [ ! -x "$MELTANODATA_BIN" ] || [ ! -x "$DEMO_BIN" ]; then
  echo "build first: cmake --build build -j2 --target meltanodata meltanodata-demo" >&2
  exit 2
fi

# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"            # DATA, md, start_controller, cleanup
# shellcheck source=../tests/e2e/acme_fixtures.sh
source "$ROOT/tests/e2e/acme_fixtures.sh"  # FIX, start_knot, start_pebble, acme_config, served_serial, pebble_orders, …

mkdir -p "$DATA/bin"
cp "$MELTANODATA_BIN" "$DEMO_BIN" "$DATA/bin/"
BIN="$DATA/bin/$(basename "$MELTANODATA_BIN")"

WATCHDOG=""
bench_cleanup() {
  local st=$?
  set +e
  if [ -n "${WATCHDOG:-}" ]; then pkill -KILL -P "$WATCHDOG" 2>/dev/null; kill -KILL "$WATCHDOG" 2>/dev/null; fi
  if [ -n "${RESULTS_DIR:-}" ] && [ -d "$DATA/r" ]; then
    mkdir -p "$RESULTS_DIR" && cp "$DATA"/r/* "$RESULTS_DIR"/
    [ -f "$FIX/pebble.log" ] && cp "$FIX/pebble.log" "$RESULTS_DIR"/
  fi
  acme_fixtures_stop "$st"
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

echo "machine: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
others() { pgrep -fa 'ctest|md-e2e\.|cc1plus|gmake|ninja' | grep -v "$DATA" | cut -c1-110 || true; }
o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at start (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6

HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
export HTTPS_PORT HTTP_PORT
start_knot
start_pebble "$HTTP_PORT"
EXTRA_CONFIG="$(acme_config "https://127.0.0.1:$PEBBLE_PORT/dir")
[limits]
certs_per_registered_domain = $LIMIT"
export EXTRA_CONFIG
t0=$(now_ms)
start_controller
grep -q "^certs_per_registered_domain = $LIMIT$" "$DATA/config.toml" || fail "the [limits] line is not in the config"
wait_for 60 "a trusted wildcard in certs list" wildcard_trusted
echo "trusted wildcard $(( $(now_ms) - t0 )) ms after the controller start was begun; orders so far: $(pebble_orders), issued: $(pebble_issued)"
orders_before=$(pebble_orders)
issued_before=$(pebble_issued)
PEBBLE_ROOT="$FIX/pebble-root.pem"

sub_of() { printf 'wb%02d' "$1"; }

echo "creating $N instances one after another …"
tall0=$(now_ms)
for i in $(seq 1 "$N"); do
  sub=$(sub_of "$i")
  c0=$(now_ms)
  timeout "$CMD_TIMEOUT_S" "$BIN" create --subdomain "$sub" --email "ops+$i@bench.example" --name "Bench $i" \
    >"$R/create-$i.out" 2>&1 || fail "create $sub: $(cat "$R/create-$i.out")"
  printf '%s\t%s\n' "$i" $(( $(now_ms) - c0 )) >>"$R/create.tsv"
done
tall1=$(now_ms)
echo "$N creates took $((tall1 - tall0)) ms"

echo "checking every instance: A record, verified https 200, served serial …"
ok_https=0
ok_dns=0
for i in $(seq 1 "$N"); do
  sub=$(sub_of "$i")
  host="$sub.example.test"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$PEBBLE_ROOT" \
    --resolve "$host:$HTTPS_PORT:127.0.0.1" "https://$host:$HTTPS_PORT/healthz" || true)
  [ "$code" = 200 ] && ok_https=$((ok_https + 1))
  a=$(dig1 "$host" A)
  [ "$a" = 127.0.0.1 ] && ok_dns=$((ok_dns + 1))
  serial=$(served_serial "$host")
  printf '%s\t%s\t%s\t%s\n' "$sub" "$code" "${a:-none}" "${serial:-none}" >>"$R/check.tsv"
done
serials=$(cut -f4 "$R/check.tsv" | sort | uniq -c)
n_serials=$(cut -f4 "$R/check.tsv" | sort -u | wc -l)
md certs list -o json >"$R/certs.json"
wc_serial=$(openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername "example.test" </dev/null 2>/dev/null |
  openssl x509 -noout -serial -subject -issuer -ext subjectAltName 2>/dev/null || true)
orders=$(pebble_orders)
issued=$(pebble_issued)

o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at end (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "instances answering https 200, verified against Pebble's root: $ok_https of $N"
echo "instances with their A record in Knot: $ok_dns of $N"
echo "distinct served certificate serials: $n_serials"
echo "$serials" | sed 's/^/  /'
echo "certificate served for example.test:"
echo "$wc_serial" | sed 's/^/  /'
echo "certs list: $(jq -c '[.[] | {names, purpose, trusted, issuer}]' "$R/certs.json")"
echo "ACME orders (POST /order-plz in Pebble's log): $orders in all, $((orders - orders_before)) during the $N creates"
echo "certificates issued by Pebble: $issued in all, $((issued - issued_before)) during the $N creates"
echo "per-host certificates would have needed: $N new certificates for example.test in one week," \
  "against certs_per_registered_domain = $LIMIT: $(( N > LIMIT ? N - LIMIT : 0 )) over"
python3 - "$R" "$((tall1 - tall0))" <<'PY'
import math, sys
r, total = sys.argv[1], int(sys.argv[2])
xs = sorted(int(l.split("\t")[1]) for l in open(f"{r}/create.tsv"))
pct = lambda p: xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]
print(f"creates: {len(xs)} in {total} ms ({total / 1000:.1f} s); per create p50 {pct(50)} ms, p95 {pct(95)} ms, max {xs[-1]} ms")
PY
if [ "$ok_https" != "$N" ] || [ "$ok_dns" != "$N" ] || [ "$n_serials" != 1 ] || [ "$((orders - orders_before))" != 0 ]; then
  fail "not every instance served by the one wildcard (see above)"
fi
echo "OK: $N instances, 1 certificate serial, $orders ACME order(s)"
