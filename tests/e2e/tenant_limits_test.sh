#!/usr/bin/env bash
# Processes (issue #8): two tenants on the real components. Tenant A, acting
# only as its Unix user inside its own cgroup (as its app would), runs a
# memory hog and a fork bomb: the kernel stops both at A's limits while B keeps
# answering and the controller too; `status -o json` shows usage against the
# limits. The app runs with no_new_privs and a private /tmp. After delete of
# A, no process and no scratch file of A's UID is left, and no later tenant
# gets A's UID.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

A=${P}a
B=${P}b
C=${P}c
start_controller

step "two tenants; A gets small limits, applied live"
md create --subdomain "$A" --email "a@$A.example" --name A >/dev/null
md create --subdomain "$B" --email "b@$B.example" --name B >/dev/null
pid_a=$(md status "$A" -o json | jq -r .pid)
md limits set "$A" memory_mb=48 pids=24 cpu_weight=50 >/dev/null
expect_exit 2 limits set "$A" memory_mb=1
expect_exit 2 limits set "$A" pids=lots
status=$(md status "$A" -o json)
assert_eq "$(jf "$status" .pid)" "$pid_a" "limits applied without a restart"
assert_eq "$(jf "$status" .resources.memory_limit_bytes)" $((48 * 1024 * 1024)) "memory limit"
assert_eq "$(jf "$status" .resources.pids_limit)" 24 "pids limit"
assert_eq "$(jf "$status" .resources.cpu_weight)" 50 "cpu weight"
[ "$(jf "$status" .resources.memory_bytes)" -gt 0 ] || fail "memory used not shown"
[ "$(jf "$status" .resources.pids)" -ge 1 ] || fail "processes used not shown"
assert_contains "$(md status "$A")" "of 48 MiB"

user_a=$(md show "$A" -o json | jq -r .unix_user)
uid_a=$(id -u "$user_a")
assert_eq "$(id -g "$user_a")" "$uid_a" "the group has the user's number"
[ "$uid_a" -ge "$UID_BASE" ] || fail "UID $uid_a is not from the tenant range (uid_base $UID_BASE)"
app_b=$(md show "$B" -o json | jq -r .subdomain)

step "the app: in its cgroup, no_new_privs, a private /tmp"
cg=$(awk -F: '$2 == "memory" {print $3}' "/proc/$pid_a/cgroup")
assert_contains "$cg" "/tenant-$A" "app in its memory cgroup"
assert_contains "$(awk -F: '$2 == "pids" {print $3}' "/proc/$pid_a/cgroup")" "/tenant-$A" "app in its pids cgroup"
assert_eq "$(awk '/^NoNewPrivs/ {print $2}' "/proc/$pid_a/status")" 1 "no_new_privs"
# The test's data dir is under /tmp, so there /tmp stays shared (a tmpfs over
# it would hide the app); /var/tmp and /dev/shm are the app's own.
for d in /var/tmp /dev/shm; do
  assert_contains "$(nsenter -t "$pid_a" -m findmnt -no OPTIONS "$d" | tail -n 1)" "size=" "a private tmpfs on $d"
  assert_eq "$(nsenter -t "$pid_a" -m ls -A "$d")" "" "the app's $d starts empty"
  mark="$d/$P-inside"
  nsenter -t "$pid_a" -m setpriv --reuid="$uid_a" --regid="$uid_a" --clear-groups -- touch "$mark"
  nsenter -t "$pid_a" -m test -e "$mark" || fail "the app does not see its own $mark"
  [ ! -e "$mark" ] || fail "the host's $d sees the app's file"
done

# Runs a command as A inside A's cgroup, the way the run script starts the app.
as_a_in_cgroup() {
  local procs=""
  for c in memory pids cpu; do procs+=" /sys/fs/cgroup/$c$(awk -F: -v c=$c '$2 == c {print $3}' "/proc/$pid_a/cgroup")/cgroup.procs"; done
  # shellcheck disable=SC2016
  sh -c 'for f in $0; do echo $$ > "$f" || exit 111; done; exec "$@"' "$procs" \
    setpriv --reuid="$uid_a" --regid="$uid_a" --clear-groups --no-new-privs -- "$@"
}

step "a memory hog in A is killed at A's limit; B and the controller keep answering"
rc=0
as_a_in_cgroup /usr/bin/python3 -c 'b = bytearray(512 << 20); print(len(b))' >/dev/null 2>&1 || rc=$?
assert_eq "$rc" 137 "the hog is SIGKILLed by the OOM killer"
assert_eq "$(app_code "$app_b" "/healthz")" 200 "B after the hog"

step "a fork bomb in A stops at pids.max; B and the controller keep answering"
# Forks sleepers forever, retrying each fork the kernel refuses.
as_a_in_cgroup timeout 20 /usr/bin/python3 -c 'import os, time
while True:
    try:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
    except OSError:
        time.sleep(0.01)' >/dev/null 2>&1 &
bomb=$!
full=""
for _ in $(seq 1 100); do
  if [ "$(md status "$A" -o json | jq -r .resources.pids)" = 24 ]; then full=1; break; fi
  sleep 0.1
done
[ -n "$full" ] || fail "A's processes never reached pids.max: $(md status "$A" -o json | jq -c .resources)"
assert_eq "$(app_code "$app_b" "/healthz")" 200 "B during the bomb"
md list >/dev/null || fail "the controller does not answer during the bomb"
[ "$(pgrep -U "$uid_a" | wc -l)" -le 24 ] || fail "more processes than pids.max"

step "files of A outside its dir, in every scratch dir"
for d in /tmp /var/tmp /dev/shm; do
  setpriv --reuid="$uid_a" --regid="$uid_a" --clear-groups -- sh -c "mkdir -p $d/$P-dir/sub && touch $d/$P-dir/sub/f $d/$P-file"
done

step "delete A: no process, no scratch file of its UID is left"
md delete "$A" --yes --no-backup >/dev/null
wait "$bomb" 2>/dev/null || true
# Live ones: a zombie is dead already, reaped by whoever adopted it.
[ -z "$(pgrep -U "$uid_a" -r R,S,D,T,t || true)" ] || fail "processes of A's UID left: $(pgrep -U "$uid_a" -a)"
left=$(find /tmp /var/tmp /dev/shm -xdev -uid "$uid_a" 2>/dev/null || true)
assert_eq "$left" "" "files of A's UID left"
! id "$user_a" >/dev/null 2>&1 || fail "A's user is still there"
[ -z "$(ls -d /sys/fs/cgroup/memory/meltanodata-*/tenant-"$A" 2>/dev/null)" ] || fail "A's cgroup is still there"
assert_eq "$(app_code "$app_b" "/healthz")" 200 "B after A's delete"

step "a new tenant never gets A's UID"
md create --subdomain "$C" --email "c@$C.example" --name C >/dev/null
uid_b=$(id -u "$(md show "$B" -o json | jq -r .unix_user)")
uid_c=$(id -u "$(md show "$C" -o json | jq -r .unix_user)")
[ "$uid_c" -gt "$uid_b" ] && [ "$uid_b" -gt "$uid_a" ] || fail "UIDs not strictly increasing: $uid_a $uid_b $uid_c"
md delete "$B" "$C" --yes --no-backup >/dev/null
echo "PASS tenant_limits"
