#!/usr/bin/env bash
# Create latency: wall time of a waiting `meltanodata create` (it exits once the
# instance answers its health check) for N instances made one after another on a
# fresh controller, split by step from `meltanodata ops show ID -o json`, beside
# the floor: the same primitives run bare on the same machine in the same run,
# interleaved with the creates (create i, then floor i) so that both see the
# same load. Floor = psql (CREATE ROLE + CREATE DATABASE … OWNER + REVOKE
# CONNECT, one connection) + `useradd --system` + starting meltanodata-demo as
# that user until its first `/healthz` 200. Then the N instances are deleted one
# by one (timed too).
#
# Run as root from anywhere (needs what the e2e tests need: PostgreSQL 15, s6,
# jq, curl, python3). Reuses tests/e2e/lib.sh (fresh data dir under /tmp,
# controller start, cleanup trap); everything made here is removed on exit.
# Usage: bench/create_latency.sh            (N=20; about 1 min; hard limit 10 min)
#   N=…            instances (and floor samples)
#   MELTANODATA_POLL_MS=…  the CLI's poll interval while waiting (default 150)
#   RESULTS_DIR=…  keep the raw per-sample TSVs there (default: discarded)
#   DEADLINE_S=…   give up (and clean up) after this long (default 600)
# Prints a note when other builds or tests run at the same time: figures are
# then skewed; re-run on a quiet machine.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
N=${N:-20}
export MELTANODATA_BIN=${MELTANODATA_BIN:-$ROOT/build/bin/meltanodata}
DEMO_BIN=${DEMO_BIN:-$(dirname "$MELTANODATA_BIN")/meltanodata-demo}
DEADLINE_S=${DEADLINE_S:-600}   # the whole run gives up after this long
CMD_TIMEOUT_S=60                # any single create/delete

[ "$(id -u)" = 0 ] || { echo "run as root (useradd, s6 services as tenant users)" >&2; exit 2; }
for tool in psql jq curl python3 setpriv useradd userdel s6-svscan timeout; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
if [ ! -x "$MELTANODATA_BIN" ] || [ ! -x "$DEMO_BIN" ]; then
  echo "build first: cmake --build build -j2 --target meltanodata meltanodata-demo" >&2
  exit 2
fi

# shellcheck source=../tests/e2e/lib.sh
source "$ROOT/tests/e2e/lib.sh"   # sets DATA, md, start_controller, cleanup (trap EXIT)

# Run private copies, so that a rebuild of build/bin during the run changes nothing
# (the controller installs the demo app from the directory of its own binary).
mkdir -p "$DATA/bin"
cp "$MELTANODATA_BIN" "$DEMO_BIN" "$DATA/bin/"
BIN="$DATA/bin/$(basename "$MELTANODATA_BIN")"
DEMO_BIN="$DATA/bin/$(basename "$DEMO_BIN")"

FLOOR_PIDS=()
WATCHDOG=""
bench_cleanup() {
  local st=$?
  set +e
  for pid in "${FLOOR_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  if [ -n "${WATCHDOG:-}" ]; then pkill -KILL -P "$WATCHDOG" 2>/dev/null; kill -KILL "$WATCHDOG" 2>/dev/null; fi
  [ -n "${RESULTS_DIR:-}" ] && [ -d "$DATA/r" ] && mkdir -p "$RESULTS_DIR" && cp "$DATA"/r/*.tsv "$RESULTS_DIR"/
  # lib.sh's cleanup stops the controller, s6 (tenants, PostgreSQL) and removes
  # tenant users (floor users too: their home is under $DATA) and $DATA; it
  # exits, so it runs in a subshell and its last rm is retried here (an
  # s6-supervise may still be exiting when it first runs).
  (cleanup) >/dev/null 2>&1
  for _ in 1 2 3 4 5; do
    [ -e "$DATA" ] || break
    sleep 0.2
    rm -rf "$DATA" 2>/dev/null
  done
  exit "$st"
}
trap bench_cleanup EXIT
# The whole run is bounded: past the deadline this shell is sent SIGTERM.
trap 'echo "deadline of ${DEADLINE_S}s passed" >&2; exit 124' TERM
( exec 2>/dev/null; sleep "$DEADLINE_S"; kill -TERM $$ ) &
WATCHDOG=$!
disown "$WATCHDOG"

now_ms() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000 + 10#${t#*.} / 1000 )); }
R="$DATA/r"
mkdir -p "$R"

echo "machine: $(nproc) CPUs, $(uname -r), $(date -u +%Y-%m-%dT%H:%M:%SZ), load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Other work on the machine skews every figure: say so.
others() { pgrep -fa 'ctest|md-e2e\.|cc1plus|gmake|ninja' | grep -v "$DATA" | cut -c1-110 || true; }
o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at start (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6

start_controller
PG_PORT=$(cat "$DATA/postgres/port")
PG_PW=$(cat "$DATA/postgres/superuser.password")
PGURL="postgresql://postgres:$PG_PW@127.0.0.1:$PG_PORT/postgres"
NOLOGIN=$(command -v nologin || echo /usr/sbin/nologin)
# The psql binary itself: Debian's /usr/bin/psql is pg_wrapper, a Perl script
# that costs ~65 ms per call here before psql even starts.
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL=psql

# One HTTP GET on a unix socket (where apps listen): prints the status code, or 000.
probe() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 --unix-socket "$1" "http://app$2" || true; }

# Epoch ms of the demo app's first "started version" log line in FILE.
started_ms() {
  local ts
  ts=$(grep -m1 ' started version ' "$1" | cut -d' ' -f1)
  [ -n "$ts" ] || fail "no 'started version' line in $1"
  jq -rn --arg t "$ts" '($t[0:19] + "Z" | fromdateiso8601) * 1000 + ($t[20:23] | tonumber)'
}

# floor I: the bare primitives; appends "i psql_ms useradd_ms app_ms total_ms" to floor.tsv.
floor() {
  local i=$1
  local name="mdfloor$$x$i" pw home sock t0 t1 t2 t3 ts pid code
  pw=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
  home="$DATA/floor/$i"
  sock="$home/app.sock"
  mkdir -p "$home"
  t0=$(now_ms)
  "$PSQL" -X "$PGURL" -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $name LOGIN PASSWORD '$pw'" \
    -c "CREATE DATABASE $name OWNER $name" \
    -c "REVOKE CONNECT ON DATABASE $name FROM PUBLIC" >/dev/null
  t1=$(now_ms)
  useradd --system --user-group --no-create-home --home-dir "$home" --shell "$NOLOGIN" "$name"
  t2=$(now_ms)
  chown "$name:$name" "$home"
  SOCKET=$sock DATABASE_URL="postgresql://$name:$pw@127.0.0.1:$PG_PORT/$name" MELTANO_PROJECT_ROOT="$home" \
    DEMO_VERSION=1 setpriv --reuid="$name" --regid="$name" --clear-groups -- "$DEMO_BIN" \
    >"$R/floor-$i.log" 2>&1 &
  pid=$!
  FLOOR_PIDS+=("$pid")
  local limit=$(( t2 + 20000 ))
  while :; do
    code=$(probe "$sock" /healthz)
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || fail "floor $i: demo app exited: $(tail -3 "$R/floor-$i.log")"
    [ "$(now_ms)" -lt "$limit" ] || fail "floor $i: no /healthz 200 within 20 s"
    sleep 0.002
  done
  t3=$(now_ms)
  # The app logs "started version …" (ms timestamp) once bound, before it serves.
  ts=$(started_ms "$home/.meltano/run/meltano-ui.log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t3 - t0)) \
    $((ts - t2)) $((t3 - ts)) >>"$R/floor.tsv"
  # Undo, untimed.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  "$PSQL" -X "$PGURL" -qAt -c "DROP DATABASE $name" -c "DROP ROLE $name" >/dev/null
  userdel "$name"
  rm -rf "$home"
}

# Per-step durations of operation ID, as "kind i step ms" lines, plus the
# operation's own figures: queue (created→started), total (created→finished),
# gaps (time between steps: journaling and bookkeeping of the runner).
op_steps() {
  local kind=$1 i=$2 id=$3 app_started=${4:-0}
  md ops show "$id" -o json >"$R/op-$kind-$i.json"
  jq -r --arg k "$kind" --arg i "$i" --argjson app "$app_started" '
    def ms: (.[0:19] + "Z" | fromdateiso8601) * 1000 + (.[20:23] | tonumber);
    .state as $s
    | if $s != "succeeded" then error("operation \(.id) \($s)") else . end
    | (.steps | map(.finished_at | ms) ) as $fin
    | (.steps | map(.started_at | ms) ) as $sta
    | ( .steps[] | "\($k)\t\($i)\t\(.name)\t\((.finished_at|ms) - (.started_at|ms))" ),
      "\($k)\t\($i)\t(queue: accepted→started)\t\((.started_at|ms) - (.created_at|ms))",
      "\($k)\t\($i)\t(between steps)\t\([range(1; $sta|length) | $sta[.] - $fin[. - 1]] | add // 0)",
      "\($k)\t\($i)\t(after last step)\t\((.finished_at|ms) - $fin[-1])",
      "\($k)\t\($i)\t(server total: accepted→finished)\t\((.finished_at|ms) - (.created_at|ms))",
      ( select($app > 0) | (.steps | map({key: .name, value: .}) | from_entries) as $st
        | "\($k)\t\($i)\t[start_service begins → app logs started]\t\($app - ($st.start_service.started_at|ms))",
          "\($k)\t\($i)\t[app logs started → wait_healthy ends]\t\(($st.wait_healthy.finished_at|ms) - $app)" )
  ' "$R/op-$kind-$i.json" >>"$R/steps.tsv"
}

# The CLI prints "create SUB (operation #ID)" first.
op_id() { grep -o 'operation #[0-9]*' "$1" | head -1 | tr -dc '0-9'; }

sub_of() { printf 'lat%02d' "$1"; }

echo "creating $N instances, each followed by one floor sample …"
for i in $(seq 1 "$N"); do
  sub=$(sub_of "$i")
  t0=$(now_ms)
  timeout "$CMD_TIMEOUT_S" "$BIN" create --subdomain "$sub" --email "ops+$i@bench.example" --name "Bench $i" \
    >"$R/create-$i.out" 2>&1 || fail "create $sub: $(cat "$R/create-$i.out")"
  t1=$(now_ms)
  printf '%s\t%s\n' "$i" $((t1 - t0)) >>"$R/create.tsv"
  op_steps create "$i" "$(op_id "$R/create-$i.out")" "$(started_ms "$DATA/tenants/$sub/project/.meltano/run/meltano-ui.log")"
  [ "$(app_code "$sub" /healthz)" = 200 ] || fail "$sub not healthy after create"
  floor "$i"
done

echo "deleting the $N instances one by one …"
for i in $(seq 1 "$N"); do
  sub=$(sub_of "$i")
  t0=$(now_ms)
  timeout "$CMD_TIMEOUT_S" "$BIN" delete "$sub" --yes >"$R/delete-$i.out" 2>&1 ||
    fail "delete $sub: $(cat "$R/delete-$i.out")"
  t1=$(now_ms)
  printf '%s\t%s\n' "$i" $((t1 - t0)) >>"$R/delete.tsv"
  op_steps delete "$i" "$(op_id "$R/delete-$i.out")"
done
[ "$(md list -o json | jq length)" = 0 ] || fail "instances left after delete"

o=$(others)
[ -n "$o" ] && echo "NOTE: other processes running at end (figures are skewed):" && echo "$o" | sed 's/^/  /' | head -6
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
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
def line(label, xs, width=44):
    return f"| {label:<{width}} | {pct(xs,50):>6} | {pct(xs,95):>6} | {max(xs):>6} |"
head = lambda w=44: f"| {'ms':<{w}} | {'p50':>6} | {'p95':>6} | {'max':>6} |\n|{'-'*(w+2)}|-------:|-------:|-------:|"

create = [int(x[1]) for x in rows("create.tsv")]
delete = [int(x[1]) for x in rows("delete.tsv")]
fl = rows("floor.tsv")
f_psql, f_user, f_app, f_tot, f_exec, f_health = ([int(x[k]) for x in fl] for k in (1, 2, 3, 4, 5, 6))
steps = collections.OrderedDict()
for kind, i, name, ms in rows("steps.tsv"):
    steps.setdefault((kind, name), []).append(int(ms))

n = len(create)
print(f"N = {n} (percentiles: nearest rank)\n")
print(head())
print(line("create, CLI wall (waits for healthy)", create))
srv = steps[("create", "(server total: accepted→finished)")]
print(line("create, server (accepted→finished)", srv))
print(line("floor (psql + useradd + app→/healthz)", f_tot))
print(line("  floor: psql role + database", f_psql))
print(line("  floor: useradd --system", f_user))
print(line("  floor: demo app start → /healthz 200", f_app))
print(line("    [exec → app logs started]", f_exec))
print(line("    [app logs started → /healthz 200]", f_health))
print(line("delete, CLI wall", delete))
print(line("delete, server (accepted→finished)", steps[("delete", "(server total: accepted→finished)")]))
p50c, p50f = pct(create, 50), pct(f_tot, 50)
print(f"\ncreate p50 / floor p50 = {p50c} / {p50f} = {p50c / p50f:.2f}x   "
      f"(p95/p95 = {pct(create,95) / pct(f_tot,95):.2f}x; server p50 / floor p50 = {pct(srv,50) / p50f:.2f}x)")
ratios = [c / f for c, f in zip(create, f_tot)]
print(f"per-instance ratio create_i / floor_i: p50 {pct(ratios,50):.2f}x, max {max(ratios):.2f}x")
print(f"target p50 < 500 ms: {'met' if p50c < 500 else 'MISSED'};  "
      f"never more than 3x the floor: {'met' if max(ratios) <= 3 else 'MISSED'} (worst instance {max(ratios):.2f}x)")
print(f"CLI overhead (wall - server) p50: {pct([c - s for c, s in zip(create, srv)], 50)} ms")
for kind in ("create", "delete"):
    print(f"\n{kind} by step:\n" + head())
    for (k, name), xs in steps.items():
        if k == kind and not name.startswith("(server total"):
            print(line(name, xs))
PY
