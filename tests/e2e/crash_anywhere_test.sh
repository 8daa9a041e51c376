#!/usr/bin/env bash
# Crash anywhere: for every step of create, upgrade, flag change, wipe-db and
# delete, the controller dies right after that step (MELTANODATA_FAULT), is
# started again without the fault, and the operation must finish with exactly
# the resources a clean run leaves — no orphan, no duplicate (database, role,
# Unix user, files, service, socket, ledger rows) — and the instances serving.
# The step names come from `ops show` of clean runs, so new steps are walked
# too. One data dir for the whole walk keeps it short. The first crash point
# of each kind runs the verb waiting: the CLI must ride out the lost controller.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
watchdog 1440  # ctest stops it at 1500 s (tests/e2e/CMakeLists.txt)
export MELTANODATA_POLL_MS=50
T0=$SECONDS

start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
sql() { psql "$PGURL" -tAc "$1"; }
# Rows of a query on the controller's store, read-only (python3's sqlite3: no
# other tool to install).
ledger() {
  python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for row in db.execute(sys.argv[2]): print(row[0])' "$DATA/meltanodata.db" "$1"
}
csort() { LC_ALL=C sort; }
# Ledger kinds and counts of one instance: "kind count" lines.
ledger_shape() { ledger "select kind || ' ' || count(*) from ledger where subdomain = '$1' group by kind" | csort; }

# Files of an instance (path, owner, mode, type), its name made SUB; what
# changes as it runs (logs, supervise state) left out.
tree_of() {
  (cd "$DATA" && find "tenants/$1" "secrets/$1" "services/tenant-$1" -printf '%p %u %m %y\n') |
    grep -Ev '/(logs|supervise|\.meltano/run)/' | sed "s|$1|SUB|g" | csort
}

# Runs the verb of operation KIND on SUB; ARG is its variable part (a version,
# a flag value); further arguments are passed on (--no-wait, -o json).
verb() {
  local kind=$1 sub=$2 arg=$3
  shift 3
  case "$kind" in
    create) "$BIN" create --subdomain "$sub" --email "ops@$sub.example" --name "Crash $sub" "$@" ;;
    upgrade) "$BIN" upgrade "$sub" --to "$arg" "$@" ;;
    flags) "$BIN" flags set "$sub" "MELTANO_UI_NOTIFICATION=$arg" "$@" ;;
    wipe-db) "$BIN" wipe-db "$sub" --yes "$@" ;;
    delete) "$BIN" delete "$sub" --yes "$@" ;;
    *) fail "no verb for operation kind $kind" ;;
  esac
}

# Waits for operation $1 to be final; prints its state.
wait_final() {
  local state=""
  for _ in $(seq 1 600); do
    state=$(md ops show "$1" -o json | jq -r .state)
    if [ "$state" = succeeded ] || [ "$state" = failed ]; then break; fi
    sleep 0.05
  done
  echo "$state"
}

# A clean run of KIND on SUB; prints its step names, one a line.
clean_run() {
  local id
  id=$(verb "$1" "$2" "${3:-}" --no-wait -o json | jq -r 'if type == "array" then .[0].id else .id end')
  assert_eq "$(wait_final "$id")" succeeded "clean $1"
  md ops show "$id" -o json | jq -r '.steps[].name'
}

# What every crash point must leave: exactly the resources of the instances
# the store holds, each as a clean run leaves it, and each serving. One query
# per system keeps a check short.
assert_exact() {
  local what=$1 list facts n subs want have sub
  list=$(md list -o json)
  facts=$(jq -r '"\(length) \([.[] | select(.status != "running")] | length)"' <<<"$list")
  read -r n _ <<<"$facts"
  assert_eq "$facts" "$n 0" "$what: instances, not running"
  subs=$(jq -r '.[].subdomain' <<<"$list" | csort)
  assert_eq "$(md doctor -o json | jq -c .)" "[]" "$what: doctor"
  assert_eq "$(md ops list --limit 1000 -o json | jq -c '[.[] | select(.state != "succeeded") | {id, kind, state}]')" \
    "[]" "$what: unfinished or failed operations"
  # Each instance's socket listened on by exactly one process; no other socket.
  assert_eq "$(ls -A "$DATA/sockets" 2>/dev/null | csort || true)" "$subs" "$what: socket dirs"
  assert_eq "$(ls -A "$DATA/wake/tenants" 2>/dev/null | csort || true)" "$subs" "$what: the waker's entries"
  assert_eq "$(ls -A "$DATA/front" 2>/dev/null | csort || true)" "$subs" "$what: the waker's socket dirs"
  have=$(ss -Hlx | awk '{print $5}')
  for sub in $subs; do
    assert_eq "$(grep -cx "$(app_sock "$sub")" <<<"$have" || true)" 1 "$what: listeners on $sub's socket"
  done
  # Exactly one app process per instance, none of any other tenant.
  have=$({ pgrep -af "$DATA/tenants/[^/]*/app/current/bin" || true; } |
    sed -n "s|.*$DATA/tenants/\([^/]*\)/app/current/bin.*|\1|p" | csort)
  assert_eq "$have" "$subs" "$what: app processes (one per instance)"
  # Files, services (and no temporary service dir), Unix users.
  assert_eq "$(ls -A "$DATA/tenants" 2>/dev/null | csort || true)" "$subs" "$what: tenant dirs"
  assert_eq "$(ls -A "$DATA/secrets" 2>/dev/null | csort || true)" "$subs" "$what: secrets dirs"
  have=$(ls -A "$DATA/services" | { grep -E '^(tenant-|\.)' || true; } | { grep -vx '\.s6-svscan' || true; } | csort)
  assert_eq "$have" "$(sed '/^$/d; s/^/tenant-/' <<<"$subs" | csort)" "$what: service dirs"
  assert_eq "$(getent passwd | awk -F: -v h="$DATA/tenants/" 'index($6, h) == 1 {print $1}' | csort)" \
    "$(jq -r '.[].unix_user' <<<"$list" | csort)" "$what: Unix users"
  # Databases and roles on the cluster.
  want=$(jq -r '.[].database.name' <<<"$list" | csort)
  have=$(sql "select 'db ' || datname from pg_database where datname like 'md\\_%'
              union all select 'role ' || rolname from pg_roles where rolname like 'md\\_%'")
  assert_eq "$(sed -n 's/^db //p' <<<"$have" | csort)" "$want" "$what: databases"
  assert_eq "$(sed -n 's/^role //p' <<<"$have" | csort)" \
    "$(printf '%s\n%s\n' "$want" "$BASE_ROLES" | sed '/^$/d' | csort)" "$what: roles"
  # Ledger rows: per instance, the kinds and counts of a clean run; none else.
  want=$(for sub in $subs; do sed "s/^/$sub /" <<<"$CLEAN_LEDGER"; done | csort)
  have=$(ledger "select subdomain || ' ' || kind || ' ' || count(*) from ledger group by subdomain, kind" | csort)
  assert_eq "$have" "$want" "$what: ledger rows"
  # Every instance serves.
  for sub in $subs; do
    assert_eq "$(app_code "$sub" "/healthz")" 200 "$what: /healthz of $sub"
  done
}

# What a deleted instance must not leave that assert_exact does not see.
assert_gone() {
  local sub=$1 what=$2 user=$3
  expect_exit 3 show "$sub"
  if getent group "$user" >/dev/null; then fail "$what: group $user left"; fi
  assert_eq "$(pgrep -c -f "$DATA/tenants/$sub/" || true)" 0 "$what: processes left"
  assert_eq "$(app_code "$sub" "/healthz")" 000 "$what: $sub still answers"
  [ ! -e "$DATA/sockets/$sub" ] || fail "$what: socket dir of $sub left"
  [ ! -e "$DATA/wake/tenants/$sub" ] || fail "$what: wake entry of $sub left"
}

# One crash point: start the controller with the fault armed just before the
# verb (no other operation can complete STEP first), see it die with 99, start
# it again without the fault, and wait for the one operation the verb made.
# MODE wait runs the verb waiting: it must ride out the lost controller.
CRASHES=0
LAST_OP=0
crash_at() {
  local kind=$1 step=$2 sub=$3 arg=$4 mode=$5 id rc=0 cli_pid="" state ops
  stop_controller
  MELTANODATA_FAULT="crash-after:$step" restart_controller_same_port
  if [ "$mode" = wait ]; then
    verb "$kind" "$sub" "$arg" >"$DATA/cli.out" 2>"$DATA/cli.err" &
    cli_pid=$!
  else
    # The controller may die before it answers: the operation is found below.
    verb "$kind" "$sub" "$arg" --no-wait >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 1200); do kill -0 "$CTRL_PID" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$CTRL_PID" 2>/dev/null && fail "$kind $sub: the controller did not crash after $step"
  wait "$CTRL_PID" || rc=$?
  CTRL_PID=""
  assert_eq "$rc" 99 "$kind $sub: the controller's exit status after $step"
  MELTANODATA_FAULT="" restart_controller_same_port
  ops=$(md ops list --subdomain "$sub" --limit 1000 -o json |
    jq -r --argjson after "$LAST_OP" '[.[] | select(.id > $after and .kind != "welcome")] | map("\(.id) \(.kind)") | .[]')
  assert_eq "$(sed 's/^[0-9]* //' <<<"$ops")" "$kind" "$kind $sub crashed after $step: operations made"
  id=${ops%% *}
  LAST_OP=$id
  state=$(wait_final "$id")
  if [ "$state" != succeeded ]; then
    md ops show "$id" >&2 || true
    fail "$kind $sub crashed after $step: operation $id $state"
  fi
  if [ -n "$cli_pid" ]; then
    rc=0
    wait "$cli_pid" || rc=$?
    if [ "$rc" -eq 0 ]; then
      assert_contains "$(cat "$DATA/cli.out")" "controller is not answering" "$kind $sub: waiting CLI"
    else
      # Lost before it answered the request: the CLI says so.
      assert_contains "$(cat "$DATA/cli.err")" "controller" "$kind $sub: waiting CLI (exit $rc)"
    fi
  fi
  CRASHES=$((CRASHES + 1))
}

# The first crash point of each kind runs the verb waiting, the others not.
first_waits() { if [ "$1" -eq 0 ]; then echo wait; else echo no-wait; fi; }

# Every step of KIND (from its clean run) on SUB; ARG_PREFIX followed by N is
# the verb's variable part at the Nth step. Calls `before N` before and
# `check STEP N` after each.
walk() {
  local kind=$1 sub=$2 arg_prefix=$3 i=0 s names
  mapfile -t names <<<"${STEPS[$kind]}"
  for s in "${names[@]}"; do
    before "$i"
    crash_at "$kind" "$s" "$sub" "$arg_prefix$i" "$(first_waits "$i")"
    check "$s" "$i"
    assert_exact "$kind crashed after $s"
    i=$((i + 1))
  done
}

# Roles of the cluster that are no instance's (none, but the check stays exact).
BASE_ROLES=$(sql "select rolname from pg_roles where rolname like 'md\\_%'")

# Names the steps of KIND (from a clean run) in the test output.
say_steps() {
  [ -n "${STEPS[$1]}" ] || fail "$1 has no steps"
  echo "    $1: $(paste -sd " " <<<"${STEPS[$1]}")"
}

# Instance a: clean runs of create, upgrade, flags and wipe-db give their step
# names and what a clean run leaves; then the walks of upgrade, flags and
# wipe-db on it; then its clean delete gives the delete steps.
a=$P-a
step "clean runs give the step names and the resources to expect"
declare -A STEPS
STEPS[create]=$(clean_run create "$a")
CLEAN_LEDGER=$(ledger_shape "$a")
[ -n "$CLEAN_LEDGER" ] || fail "a clean create leaves no ledger rows"
CLEAN_TREE=$(tree_of "$a")
assert_contains "$CLEAN_TREE" "tenants/SUB/project/.env md-SUB 640 f" "files of a clean create"
assert_exact "clean create"
STEPS[upgrade]=$(clean_run upgrade "$a" 1.1.0)
STEPS[flags]=$(clean_run flags "$a" clean)
STEPS[wipe-db]=$(clean_run wipe-db "$a")
assert_exact "clean runs"
for kind in create upgrade flags wipe-db; do say_steps "$kind"; done
LAST_OP=$(md ops list --limit 1 -o json | jq '.[0].id')
app=$a

step "upgrade: crash after each step"
before() { :; }
check() {
  assert_eq "$(app_get "$app" "/version")" "2.0.$2" "upgrade crashed after $1: version served"
  assert_eq "$(jf "$(md show "$a" -o json)" .app_version)" "2.0.$2" "upgrade crashed after $1: version recorded"
}
walk upgrade "$a" 2.0.

step "flag change: crash after each step"
before() { PID=$(jf "$(md status "$a" -o json)" .pid); }
check() {
  assert_eq "$(app_get "$app" "/flags" | jq -r .MELTANO_UI_NOTIFICATION)" "walk-$2" \
    "flags crashed after $1: flag served"
  assert_eq "$(jf "$(md status "$a" -o json)" .pid)" "$PID" "flags crashed after $1: hot reload, same pid"
}
walk flags "$a" walk-

step "wipe-db: crash after each step"
before() {
  assert_eq "$(app_code "$app" "/load?schema=tap_walk" -X POST -d "")" 200 "load before wipe"
  assert_contains "$(app_get "$app" "/schemas")" tap_walk
}
check() {
  local schemas
  schemas=$(app_get "$app" "/schemas")
  assert_not_contains "$schemas" tap_walk "wipe-db crashed after $1: schema left"
  assert_contains "$schemas" public "wipe-db crashed after $1: public kept"
}
walk wipe-db "$a" ""

step "a clean delete gives the delete steps"
show=$(md show "$a" -o json)
STEPS[delete]=$(clean_run delete "$a")
assert_gone "$a" "clean delete" "$(jf "$show" .unix_user)"
assert_exact "clean delete"
say_steps delete
LAST_OP=$(md ops list --limit 1 -o json | jq '.[0].id')

step "create and delete: crash after each step"
# Each create step makes its own instance, c0, c1, …; each delete step then
# removes one of them right away (few instances keep every check short), the
# first delete step the instance c1, and so on. c0 and those left stay as
# neighbours that every later crash point must leave serving.
mapfile -t CREATE_STEPS <<<"${STEPS[create]}"
mapfile -t DELETE_STEPS <<<"${STEPS[delete]}"
i=0
for s in "${CREATE_STEPS[@]}"; do
  crash_at create "$s" "$P-c$i" "" "$(first_waits "$i")"
  assert_eq "$(tree_of "$P-c$i")" "$CLEAN_TREE" "create crashed after $s: files"
  assert_exact "create crashed after $s"
  if [ "$i" -ge 1 ] && [ "$i" -le "${#DELETE_STEPS[@]}" ]; then
    d=${DELETE_STEPS[$((i - 1))]}
    show=$(md show "$P-c$i" -o json)
    crash_at delete "$d" "$P-c$i" "" "$(first_waits "$((i - 1))")"
    assert_gone "$P-c$i" "delete crashed after $d" "$(jf "$show" .unix_user)"
    assert_exact "delete crashed after $d"
  fi
  i=$((i + 1))
done
[ "$i" -gt "${#DELETE_STEPS[@]}" ] || fail "fewer create steps than delete steps: add instances to delete"

echo "walked $CRASHES crash points (create, upgrade, flags, wipe-db, delete) in $((SECONDS - T0)) s"
echo "PASS crash_anywhere"
