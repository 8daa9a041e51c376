#!/usr/bin/env bash
# The full life of two instances against real PostgreSQL and s6: create,
# HTTP checks against the demo app, flags hot-reloaded (same pid), /load
# then wipe-db, upgrade, controller killed and restarted while tenants keep
# serving, secrets, delete — then nothing of them is left.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
sql() { psql "$PGURL" -tAc "$1"; }

step "create two instances"
out=$(md create --subdomain "$P-acme" --email ann@$P-acme.example --name "Ann O'Neil" --version 1.0.0)
assert_contains "$out" "wait_healthy"
md create --subdomain "$P-beta-co" --email bob@beta.example --name "Bob" >/dev/null

for sub in "$P-acme" "$P-beta-co"; do
  show=$(md show "$sub" -o json)
  assert_eq "$(jf "$show" .status)" running "$sub status"
  assert_eq "$(jf "$show" .app)" demo "$sub app"
  assert_eq "$(jf "$show" .database.cluster)" local "$sub cluster"
done
show=$(md show "$P-acme" -o json)
assert_eq "$(jf "$show" .name)" "Ann O'Neil" "name kept as data"
assert_eq "$(jf "$show" .app_version)" 1.0.0
app=$(jf "$show" .subdomain)
user=$(jf "$show" .unix_user)
db=$(jf "$show" .database.name)
assert_eq "$(md list -o json | jq length)" 2 "list length"
assert_eq "$(md list --limit 1 -o json | jq -r 'length, .[0].subdomain' | paste -sd' ')" \
  "1 $(md list -o json | jq -r '.[0].subdomain')" "list --limit 1: the first by subdomain"

step "the demo app answers as the tenant user"
assert_eq "$(app_get "$app" "/version")" 1.0.0 "version"
assert_eq "$(app_code "$app" "/healthz")" 200 "healthz"
status=$(md status "$P-acme" -o json)
pid=$(jf "$status" .pid)
assert_eq "$(jf "$status" .health)" 200 "status health"
assert_eq "$(ps -o user= -p "$pid")" "$user" "app runs as the tenant"

step "owners and modes on disk"
assert_eq "$(owner_mode "$DATA/tenants/$P-acme")" "root:root 755" "chroot root"
assert_eq "$(owner_mode "$DATA/tenants/$P-acme/project")" "$user:$user 750" "project"
assert_eq "$(owner_mode "$DATA/tenants/$P-acme/project/.env")" "$user:$user 640" ".env"
assert_eq "$(owner_mode "$DATA/tenants/$P-acme/app")" "root:root 755" "app dir"
assert_eq "$(owner_mode "$DATA/tenants/$P-acme/logs")" "$user:$user 750" "logs"
assert_eq "$(owner_mode "$DATA/secrets/$P-acme")" "$user:$user 700" "secrets dir"
for f in "$DATA"/secrets/$P-acme/*; do assert_eq "$(owner_mode "$f")" "$user:$user 600" "secret file $f"; done
assert_eq "$(owner_mode "$DATA/admin.token")" "root:root 600" "admin token"
assert_eq "$(sql "select has_database_privilege('public', '$db', 'connect')")" f "CONNECT revoked from PUBLIC"

step "login with the generated admin password; logs"
assert_eq "$(app_code "$app" "/login" -X POST -d password=wrong)" 401 "wrong password"
logs=$(md logs "$P-acme" --lines 20)
assert_contains "$logs" "app log"

step "logs --follow: the stream shows a line written after it started, once; Ctrl-C ends it with 0"
follow_mark="no-such-page-for-follow-$RANDOM$RANDOM"
"$BIN" logs "$P-acme" --follow --lines 1 >"$DATA/follow.out" 2>"$DATA/follow.err" &
follow_pid=$!
for _ in $(seq 100); do [ -s "$DATA/follow.out" ] && break; sleep 0.1; done  # the opening tail
assert_contains "$(cat "$DATA/follow.out")" "==> " "logs --follow starts with the last lines"
app_code "$app" "/$follow_mark" >/dev/null
# The demo app writes each line to its log and to stdout: as many times as `logs` shows it, no more.
want=0
for _ in $(seq 50); do want=$(md logs "$P-acme" --lines 50 | grep -c "$follow_mark" || true); [ "$want" -ge 2 ] && break; sleep 0.1; done
assert_ne "$want" 0 "the app logged the request"
for _ in $(seq 100); do [ "$(grep -c "$follow_mark" "$DATA/follow.out")" -ge "$want" ] && break; sleep 0.1; done
sleep 0.6  # a line sent twice would come with the next read
assert_eq "$(grep -c "$follow_mark" "$DATA/follow.out")" "$want" "logs --follow shows the new line as logs does, once a log"
kill -INT "$follow_pid"
follow_rc=0
for _ in $(seq 50); do kill -0 "$follow_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$follow_pid" 2>/dev/null && fail "logs --follow still running 5 s after SIGINT"
wait "$follow_pid" || follow_rc=$?
assert_eq "$follow_rc" 0 "logs --follow exit code after Ctrl-C"
assert_eq "$(cat "$DATA/follow.err")" "" "logs --follow printed no error"

step "flags hot-reload without restart"
md flags set "$P-acme" MELTANO_UI_READONLY=true MELTANO_DISABLE_AIRFLOW=1 >/dev/null
assert_eq "$(app_get "$app" "/flags" | jq -r .MELTANO_UI_READONLY)" true "flag visible"
assert_eq "$(jf "$(md status "$P-acme" -o json)" .pid)" "$pid" "same pid after flags set"
md flags unset "$P-acme" MELTANO_DISABLE_AIRFLOW >/dev/null
assert_eq "$(app_get "$app" "/flags" | jq -r '.MELTANO_DISABLE_AIRFLOW // "gone"')" gone "flag unset"
assert_contains "$(md flags list "$P-acme")" MELTANO_UI_READONLY

step "secrets: names only, restart applies them"
printf 's3cr3t-value\n' | md secrets set "$P-acme" API_KEY >/dev/null  # the value on stdin, not in argv
names=$(md secrets list "$P-acme")
assert_contains "$names" API_KEY
assert_not_contains "$names" s3cr3t-value "secret value printed"
assert_eq "$(owner_mode "$DATA/secrets/$P-acme/API_KEY")" "$user:$user 600" "secret file"
newpid=$(jf "$(md status "$P-acme" -o json)" .pid)
assert_ne "$newpid" "$pid" "secrets restart the service"
pid=$newpid

step "doctor finds and repairs drift"
echo "MELTANO_UI_READONLY=false" >"$DATA/tenants/$P-acme/project/.env"
rm "$DATA/secrets/$P-acme/API_KEY"
report=$(md doctor -o json)
assert_eq "$(jq --arg s "$P-acme" '[.[] | select(.kind=="drift" and .subdomain==$s)] | length' <<<"$report")" 2 "drift found"
md doctor --fix >/dev/null
assert_contains "$(cat "$DATA/tenants/$P-acme/project/.env")" "MELTANO_UI_READONLY=true" ".env restored"
[ -f "$DATA/secrets/$P-acme/API_KEY" ] || fail "secret file not restored"
assert_eq "$(md doctor -o json | jq '[.[] | select(.kind=="drift")] | length')" 0 "no drift left"

step "load data, wipe the database, the app keeps working"
pid=$(jf "$(md status "$P-acme" -o json)" .pid)
assert_eq "$(app_code "$app" "/load?schema=tap_github" -X POST -d "")" 200 "load"
assert_contains "$(app_get "$app" "/schemas")" tap_github
expect_exit 2 wipe-db "$P-acme"
md wipe-db "$P-acme" --yes >/dev/null
schemas=$(app_get "$app" "/schemas")
assert_not_contains "$schemas" tap_github "schema dropped"
assert_contains "$schemas" public "public kept"
assert_eq "$(app_code "$app" "/healthz")" 200 "healthy after wipe"

step "upgrade, and a failed upgrade rolls back"
md upgrade "$P-acme" --to 1.1.0 >/dev/null
assert_eq "$(app_get "$app" "/version")" 1.1.0 "upgraded"
assert_eq "$(jf "$(md show "$P-acme" -o json)" .app_version)" 1.1.0
expect_exit 1 upgrade "$P-acme" --to 2.0-unhealthy
assert_contains "$(cat "$DATA/last.err")" "rolled back to 1.1.0"
both=$(cat "$DATA/last.out" "$DATA/last.err")
assert_eq "$(grep -c "not healthy after" <<<"$both")" 1 "the health gate's error printed once"
assert_eq "$(grep -c "last log lines:" <<<"$both")" 1 "the app's log lines printed once"
assert_contains "$(cat "$DATA/last.out")" "✗ wait_healthy" "the failed step shown"
assert_eq "$(app_get "$app" "/version")" 1.1.0 "old version serving"
assert_eq "$(jf "$(md show "$P-acme" -o json)" .status)" running

step "controller killed and restarted; tenants keep serving"
beta_app=$(jf "$(md show "$P-beta-co" -o json)" .subdomain)
pid=$(jf "$(md status "$P-acme" -o json)" .pid)
kill_controller
assert_eq "$(app_code "$app" "/healthz")" 200 "$P-acme serves without controller"
assert_eq "$(app_code "$beta_app" "/healthz")" 200 "beta serves without controller"
restart_controller_same_port
assert_eq "$(jf "$(md status "$P-acme" -o json)" .pid)" "$pid" "tenant not restarted"
stop_controller
assert_eq "$(app_code "$app" "/healthz")" 200 "$P-acme serves after SIGTERM"
restart_controller_same_port

step "delete both; nothing is left"
beta_user=$(jf "$(md show "$P-beta-co" -o json)" .unix_user)
beta_db=$(jf "$(md show "$P-beta-co" -o json)" .database.name)
expect_exit 2 delete "$P-acme" "$P-beta-co"
md delete "$P-acme" "$P-beta-co" --yes >/dev/null
expect_exit 3 show "$P-acme"
assert_eq "$(md list -o json | jq length)" 0 "no instances"
for u in "$user" "$beta_user"; do
  if getent passwd "$u" >/dev/null; then fail "user $u left"; fi
done
[ ! -e "$DATA/tenants/$P-acme" ] && [ ! -e "$DATA/tenants/$P-beta-co" ] || fail "tenant files left"
[ ! -e "$DATA/secrets/$P-acme" ] || fail "secrets left"
[ ! -e "$DATA/services/tenant-$P-acme" ] || fail "service left"
assert_eq "$(sql "select count(*) from pg_database where datname in ('$db','$beta_db')")" 0 "databases left"
assert_eq "$(sql "select count(*) from pg_roles where rolname in ('$db','$beta_db')")" 0 "roles left"
assert_eq "$(app_code "$app" "/healthz")" 000 "app still answers"
[ ! -e "$DATA/sockets/$P-acme" ] || fail "socket dir left"
assert_eq "$(md clusters list -o json | jq '.[] | select(.name=="local") | .used')" 0 "capacity freed"
assert_eq "$(md doctor -o json | jq length)" 0 "doctor finds nothing"
echo "PASS lifecycle"
