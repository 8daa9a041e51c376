#!/usr/bin/env bash
# Dependencies that fail: a PostgreSQL cluster that is down when a create
# starts (retried until it is back; past the retry budget the create fails
# and undoes itself), an app that never becomes healthy, a failing useradd.
# A failed create leaves nothing behind and says why.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Eight tries: about 16 s of retrying (a PostgreSQL restart on a loaded machine takes seconds).
STEP_MAX_ATTEMPTS=8 HEALTH_TIMEOUT_S=4 start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
sql() { psql "$PGURL" -tAc "$1"; }
pg_down() { s6-svc -wd -T 10000 -d "$DATA/services/postgres"; }
pg_up() {
  s6-svc -u "$DATA/services/postgres"
  for _ in $(seq 1 100); do psql "$PGURL" -tAc 'select 1' >/dev/null 2>&1 && return 0; sleep 0.1; done
  fail "PostgreSQL did not come back"
}
# wait_op SUB: the final state of SUB's newest operation (its welcome email aside).
wait_op() {
  local state=""
  for _ in $(seq 1 600); do
    state=$(md ops list -o json | jq -r --arg s "$1" '[.[] | select(.subdomain==$s and .kind!="welcome")][0].state')
    [ "$state" = succeeded ] || [ "$state" = failed ] && break
    sleep 0.1
  done
  echo "$state"
}
nothing_left() {
  local sub=$1 db=md_${1//-/_}
  expect_exit 3 show "$sub"
  if getent passwd "md-$sub" >/dev/null; then fail "user md-$sub left"; fi
  [ ! -e "$DATA/tenants/$sub" ] && [ ! -e "$DATA/secrets/$sub" ] && [ ! -e "$DATA/services/tenant-$sub" ] ||
    fail "files of $sub left"
  assert_eq "$(sql "select count(*) from pg_database where datname = '$db'")" 0 "database of $sub left"
  assert_eq "$(sql "select count(*) from pg_roles where rolname = '$db'")" 0 "role of $sub left"
}

step "cluster down when the create starts, back 2 s later: the create finishes"
pg_down
md create --subdomain "$P-late" --email a@example.com --name A --no-wait >/dev/null
sleep 2
pg_up
assert_eq "$(wait_op "$P-late")" succeeded "create after the cluster came back"
attempts=$(md ops show "$(md ops list -o json | jq -r --arg s "$P-late" '[.[] | select(.subdomain==$s and .kind=="create")][0].id')" -o json |
  jq '.steps[] | select(.name=="create_role") | .attempts')
[ "$attempts" -gt 1 ] || fail "create_role, the first step on the cluster, was not retried ($attempts attempt)"
assert_eq "$(app_code "$(jf "$(md show "$P-late" -o json)" .subdomain)" "/healthz")" 200

step "cluster down past the retry budget: the create fails, says why, leaves nothing"
pg_down
expect_exit 1 create --subdomain "$P-gone" --email a@example.com --name A
assert_contains "$(cat "$DATA/last.err")" "create_role"
assert_contains "$(cat "$DATA/last.err")" "removed"
pg_up
nothing_left "$P-gone"

step "an app that never becomes healthy: the error has its last log lines"
expect_exit 1 create --subdomain "$P-sick" --email a@example.com --name A --version 1.0-unhealthy
assert_contains "$(cat "$DATA/last.err")" "meltanodata-demo[" "app log lines in the error"
assert_contains "$(cat "$DATA/last.err")" "/healthz answered 503"
nothing_left "$P-sick"

step "a failing useradd: a clear error, no half-made tenant"
groupadd "md-$P-clash"
expect_exit 1 create --subdomain "$P-clash" --email a@example.com --name A
groupdel "md-$P-clash"
assert_contains "$(cat "$DATA/last.err")" "create_user"
nothing_left "$P-clash"

step "a full disk: a clear error, no half-made tenant"
mv "$DATA/tenants" "$DATA/tenants.away" && mkdir "$DATA/tenants"
mount -t tmpfs -o size=1m tmpfs "$DATA/tenants"
expect_exit 1 create --subdomain "$P-full" --email a@example.com --name A
assert_contains "$(cat "$DATA/last.err")" "No space left on device"
assert_contains "$(cat "$DATA/last.err")" "removed"
assert_eq "$(find "$DATA/tenants" -mindepth 1 | wc -l)" 0 "nothing half-written left"
umount "$DATA/tenants" && rmdir "$DATA/tenants" && mv "$DATA/tenants.away" "$DATA/tenants"
nothing_left "$P-full"

step "the instance made before is untouched"
assert_eq "$(jf "$(md show "$P-late" -o json)" .status)" running
assert_eq "$(md doctor -o json | jq length)" 0 "doctor finds nothing"
echo "PASS dependency_faults"
