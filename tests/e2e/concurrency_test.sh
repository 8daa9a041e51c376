#!/usr/bin/env bash
# Concurrency: bursts of clients released together through one barrier.
# 1. 24 creates (16 distinct subdomains, two more sent 4 times each) against an
#    embedded cluster of capacity 15: exactly 15 accepted, no subdomain twice,
#    the rest refused with exit 4 ("taken", or full naming `clusters add`).
# 2. While those creates still run: 45 flag changes (CLI and HTTP) on the 15
#    instances and 5 deletes.
# 3. Once settled: 8 creates of one deleted subdomain and 4 new ones fill the
#    room left exactly; one of the 8 is accepted.
# Then: every operation final, no URL, user or database twice, used equals
# the number of instances and is within capacity, every instance healthy with
# its last flag values, deleted ones left nothing (doctor, PostgreSQL, passwd).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

started=$SECONDS
CAPACITY=15
EMBEDDED_CAPACITY=$CAPACITY start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
export MELTANODATA_POLL_MS=100

# --- barrier: clients block on a shared lock that this shell holds, so they
# --- all start at once when it is released.
C="$DATA/clients"
mkdir -p "$C"
CLIENTS=()
PIDS=()
arm() {
  rm -f "$C"/*
  CLIENTS=()
  PIDS=()
  exec 9>"$DATA/barrier"
  flock -x 9
}
# client NAME cmd... : runs cmd once released; NAME.rc/.out/.err hold the outcome.
client() {
  local name=$1
  shift
  (
    exec 9>&-
    touch "$C/$name.ready"
    flock -s "$DATA/barrier" true
    t0=${EPOCHREALTIME/./}
    rc=0
    "$@" >"$C/$name.out" 2>"$C/$name.err" || rc=$?
    echo "$rc" >"$C/$name.rc"
    echo $(((${EPOCHREALTIME/./} - t0) / 1000)) >"$C/$name.ms"
  ) &
  PIDS+=($!)
  CLIENTS+=("$name")
}
# Releases the clients together and waits for every one of them.
release() {
  local want=${#CLIENTS[@]}
  for _ in $(seq 1 200); do
    [ "$(find "$C" -name '*.ready' | wc -l)" -ge "$want" ] && break
    sleep 0.05
  done
  [ "$(find "$C" -name '*.ready' | wc -l)" -ge "$want" ] || fail "clients did not get ready"
  flock -u 9
  exec 9>&-
  local t0=$SECONDS slowest=0 ms name
  wait "${PIDS[@]}"
  for name in "${CLIENTS[@]}"; do
    ms=$(cat "$C/$name.ms")
    [ "$ms" -le "$slowest" ] || slowest=$ms
  done
  echo "    ${#CLIENTS[@]} clients answered in $((SECONDS - t0)) s (slowest client ${slowest} ms)"
}
rc_of() { cat "$C/$1.rc"; }
err_of() { cat "$C/$1.err"; }
mdc() { "$BIN" "$@"; }
api() {  # api METHOD PATH [BODY]: prints the HTTP status
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X "$1" -H "Authorization: Bearer $MELTANODATA_TOKEN" \
    -H 'Content-Type: application/json' ${3:+--data "$3"} "$MELTANODATA_URL$2"
}

# Waits (bounded) until no operation is queued or running.
settle() {
  local ops
  for _ in $(seq 1 "$1"); do
    ops=$(md ops list --limit 1000 -o json)
    [ "$(jq '[.[] | select(.state != "succeeded" and .state != "failed")] | length' <<<"$ops")" = 0 ] && return 0
    sleep 0.2
  done
  jq -c '.[] | select(.state != "succeeded" and .state != "failed") | {id, kind, subdomain, state}' <<<"$ops" >&2
  fail "operations did not reach a final state"
}

step "phase 1: 24 concurrent creates for capacity $CAPACITY"
arm
singles=()
for i in $(seq -w 1 16); do singles+=("$P-s$i"); done
for sub in "${singles[@]}"; do
  client "create-$sub" mdc create --subdomain "$sub" --email "$sub@example.com" --name "$sub" --no-wait
done
for sub in "$P-dupa" "$P-dupb"; do
  for k in 1 2 3 4; do
    client "create-$sub-$k" mdc create --subdomain "$sub" --email "$sub@example.com" --name "$sub $k" --no-wait
  done
done
[ "${#CLIENTS[@]}" -ge 20 ] || fail "fewer than 20 clients"
release
accepted=0
declare -A accepted_for=() taken_for=()
for name in "${CLIENTS[@]}"; do
  sub=${name#create-}
  sub=${sub%-[0-9]}
  case "$(rc_of "$name")" in
    0) accepted=$((accepted + 1)); accepted_for[$sub]=$((${accepted_for[$sub]:-0} + 1)) ;;
    4)
      err=$(err_of "$name")
      if [[ "$err" == *"is taken"* ]]; then
        taken_for[$sub]=1
      else
        assert_contains "$err" "clusters add" "$name refused without the clusters add hint"
      fi
      ;;
    *) cat "$C/$name.out" "$C/$name.err" >&2; fail "$name exited $(rc_of "$name")" ;;
  esac
done
if [ "$accepted" -ne "$CAPACITY" ]; then
  # More than the capacity is admitted only if a create failed (and freed its place) meanwhile: say which.
  md ops list --limit 100 -o json | jq -c '.[] | select(.state == "failed") | {id, subdomain, error}' >&2 || true
fi
assert_eq "$accepted" "$CAPACITY" "creates accepted"
for sub in "${!accepted_for[@]}"; do assert_eq "${accepted_for[$sub]}" 1 "creates of $sub accepted"; done
for sub in "${!taken_for[@]}"; do assert_eq "${accepted_for[$sub]:-0}" 1 "$sub refused as taken but never accepted"; done
mapfile -t created < <(md list -o json | jq -r '.[].subdomain')
assert_eq "${#created[@]}" "$CAPACITY" "instances after phase 1"
assert_eq "$(md clusters list -o json | jq '.[0].used')" "$CAPACITY" "used after phase 1"

step "phase 2: 45 flag changes and 5 deletes while the creates run"
doomed=("${created[@]:0:5}")
kept=("${created[@]:5}")
arm
for sub in "${created[@]}"; do
  # One client sets MELTANO_COUNT three times in order; the last value must win.
  client "flags-$sub" bash -c 'for v in 1 2 3; do "$0" flags set "$1" MELTANO_COUNT=$v --no-wait || exit $?; done' \
    "$BIN" "$sub"
  # Two more change other keys of the same instance at the same moment (no lost update).
  client "flagsb-$sub" mdc flags set "$sub" "MELTANO_OTHER_B=b-$sub" --no-wait
  client "flagsc-$sub" api PATCH "/v1/instances/$sub/flags" "{\"set\": {\"MELTANO_OTHER_C\": \"c-$sub\"}}"
done
for sub in "${doomed[@]}"; do client "delete-$sub" mdc delete "$sub" --yes --no-wait; done
release
is_doomed() { [[ " ${doomed[*]} " == *" $1 "* ]]; }
for name in "${CLIENTS[@]}"; do
  rc=$(rc_of "$name")
  sub=${name#*-}
  if [[ "$name" == flagsc-* ]]; then
    # HTTP: 202 accepted; a doomed instance may already be deleting (409) or gone (404).
    if is_doomed "$sub"; then [[ "$rc" == 0 ]] && [[ "$(cat "$C/$name.out")" =~ ^(202|404|409)$ ]] ||
      fail "$name: HTTP $(cat "$C/$name.out")"
    else assert_eq "$(cat "$C/$name.out")" 202 "$name HTTP status"; fi
  elif is_doomed "$sub" && [[ "$name" == flags* ]]; then
    [[ "$rc" =~ ^(0|3|4)$ ]] || { cat "$C/$name.err" >&2; fail "$name exited $rc"; }
  else
    [ "$rc" = 0 ] || { cat "$C/$name.out" "$C/$name.err" >&2; fail "$name exited $rc"; }
  fi
done
settle 450

step "phase 3: 8 creates of a deleted subdomain and 4 new ones fill the room left"
again=${doomed[0]}
arm
for k in 1 2 3 4 5 6 7 8; do
  client "again-$k" mdc create --subdomain "$again" --email "$again@example.com" --name "again $k" --no-wait
done
for sub in "$P-n1" "$P-n2" "$P-n3" "$P-n4"; do client "new-$sub" mdc create --subdomain "$sub" --email "$sub@example.com" --name "$sub" --no-wait; done
release
again_accepted=0
for name in "${CLIENTS[@]}"; do
  rc=$(rc_of "$name")
  if [[ "$name" == again-* ]]; then
    if [ "$rc" = 0 ]; then again_accepted=$((again_accepted + 1)); continue; fi
    assert_eq "$rc" 4 "$name exit"
    assert_contains "$(err_of "$name")" "is taken" "$name refusal"
  else
    [ "$rc" = 0 ] || { cat "$C/$name.err" >&2; fail "$name exited $rc"; }
  fi
done
assert_eq "$again_accepted" 1 "creates of $again accepted"
settle 450

step "every operation is final and the expected ones succeeded"
ops=$(md ops list --limit 1000 -o json)
jq -r 'group_by(.kind)[] | "    \(length) \(.[0].kind) ops, slowest \([.[].duration_ms // 0] | max) ms"' <<<"$ops"
assert_eq "$(jq '[.[] | select(.state != "succeeded" and .state != "failed")] | length' <<<"$ops")" 0 "unfinished ops"
failed=$(jq -c '[.[] | select(.state == "failed") | {id, kind, subdomain, error}]' <<<"$ops")
# Only flag changes queued behind a delete may fail (their instance is gone).
for sub in $(jq -r '.[].subdomain' <<<"$failed" | sort -u); do
  is_doomed "$sub" || fail "operation failed on $sub: $failed"
done
assert_eq "$(jq '[.[] | select(.state == "failed" and .kind != "flags")] | length' <<<"$ops")" 0 "failed ops: $failed"
assert_eq "$(jq '[.[] | select(.kind == "create")] | length' <<<"$ops")" $((CAPACITY + 5)) "create operations"
assert_eq "$(jq '[.[] | select(.kind == "delete" and .state == "succeeded")] | length' <<<"$ops")" 5 "deletes"

step "no socket, user or database twice; capacity held"
list=$(md list -o json)
n=$(jq length <<<"$list")
assert_eq "$n" "$CAPACITY" "instances"
for field in .url .unix_user .database.name .subdomain; do
  assert_eq "$(jq "[.[] | $field] | unique | length" <<<"$list")" "$n" "distinct $field"
done
clusters=$(md clusters list -o json)
assert_eq "$(jq '.[0].used' <<<"$clusters")" "$n" "used equals instances"
[ "$(jq '.[0].used <= .[0].capacity' <<<"$clusters")" = true ] || fail "over capacity: $clusters"
assert_eq "$(jq -r '[.[] | .status] | unique | join(",")' <<<"$list")" running "statuses"

step "every instance is healthy and serves its last flags"
for sub in $(jq -r '.[].subdomain' <<<"$list"); do
  assert_eq "$(app_code "$sub" "/healthz")" 200 "$sub healthz"
  served=$(app_get "$sub" "/flags")
  stored=$(md flags list "$sub" -o json)
  assert_eq "$(jq -cS . <<<"$served")" "$(jq -cS . <<<"$stored")" "$sub serves its stored flags"
  if [[ " ${kept[*]} " == *" $sub "* ]]; then
    assert_eq "$(jq -cS . <<<"$served")" \
      "$(jq -cnS --arg s "$sub" '{MELTANO_COUNT: "3", MELTANO_OTHER_B: "b-\($s)", MELTANO_OTHER_C: "c-\($s)"}')" "$sub flags"
  else
    assert_eq "$(jq -c . <<<"$served")" "{}" "$sub (new) starts without flags"
  fi
done

step "deleted instances left nothing"
assert_eq "$(md doctor -o json | jq -c .)" "[]" "doctor findings"
dbs=$(psql "$PGURL" -tAc "select datname from pg_database where datname like 'md\\_%' order by 1")
assert_eq "$dbs" "$(jq -r '[.[].database.name] | sort | .[]' <<<"$list")" "databases on the cluster"
for sub in "${doomed[@]:1}"; do
  expect_exit 3 show "$sub"
  [ ! -e "$DATA/tenants/$sub" ] && [ ! -e "$DATA/secrets/$sub" ] || fail "$sub files left"
  user=$(jq -r --arg s "$sub" '.[] | select(.subdomain == $s) | .unix_user' <<<"$list")
  [ -z "$user" ] || fail "$sub still listed"
done
users=$(awk -F: -v d="$DATA/" 'index($6, d) == 1 {print $1}' /etc/passwd | sort)
assert_eq "$users" "$(jq -r '[.[].unix_user] | sort | .[]' <<<"$list")" "tenant users"
if grep -Eiq "database is locked|SQLITE_BUSY" "$DATA/controller.log"; then fail "SQLite busy errors in the log"; fi

echo "runtime: $((SECONDS - started)) s"
echo "PASS concurrency"
