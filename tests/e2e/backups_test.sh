#!/usr/bin/env bash
# Nothing lost by a wipe or a delete, against real PostgreSQL, s6 and tar:
# a checked backup (pg_dump + project archive + sealed secrets + manifest) is
# taken before each; restore undoes a wipe and brings a deleted instance back
# with the same rows, files, flags and passwords; a backup that fails (a full disk,
# a damaged file) stops the destructive step; retention prunes old backups.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
sql_db() { psql "${PGURL%/postgres}/$1" -tAc "$2"; }
sub=$P-bkp
backups_json() { md backups list "$@" -o json; }
count_backups() { backups_json "$@" | jq length; }

step "create, load data, write a project file, set a flag"
md create --subdomain $sub --email kim@bkp.example --name "Kim" --version 1.4.0 >/dev/null
show=$(md show $sub -o json)
app=$(jf "$show" .subdomain)
db=$(jf "$show" .database.name)
user=$(jf "$show" .unix_user)
assert_eq "$(app_code "$app" "/load?schema=tap_orders" -X POST -d "")" 200 "load"
rows_before=$(sql_db "$db" "SELECT id, label FROM tap_orders.extract_rows ORDER BY id" | sha256sum)
project="$DATA/tenants/$sub/project"
setpriv --reuid="$user" --regid="$user" --clear-groups -- sh -c "mkdir -p '$project/extract' && printf 'id,total\n1,42\n' >'$project/extract/orders.csv'"
file_before=$(sha256sum <"$project/extract/orders.csv")
md flags set $sub MELTANO_UI_READONLY=true >/dev/null
old_db_url=$(cat "$DATA/secrets/$sub/DATABASE_URL")

step "backup on demand: checked, owned by the controller, listed"
out=$(md backup $sub)
assert_contains "$out" "taken and checked"
list=$(backups_json $sub)
assert_eq "$(jq length <<<"$list")" 1 "one backup"
id1=$(jf "$list" '.[0].id')
assert_eq "$(jf "$list" '.[0].reason')" "on demand"
assert_eq "$(jf "$list" '.[0].has_files')" true
dir="$DATA/backups/$sub/$id1"
assert_eq "$(owner_mode "$dir")" "root:root 700" "backup folder"
assert_eq "$(owner_mode "$dir/db.dump")" "root:root 600" "dump"
assert_eq "$(owner_mode "$dir/project.tar.gz")" "root:root 600" "archive"
assert_eq "$(jq -r '.files[] | select(.name == "db.dump") | .sha256' "$dir/manifest.json")" \
  "$(sha256sum "$dir/db.dump" | cut -d' ' -f1)" "manifest checksum"
tar -tzf "$dir/project.tar.gz" | grep -q 'extract/orders.csv' || fail "project file not archived"
expect_exit 3 backup nosuch
expect_exit 2 restore $sub --from '../../etc/passwd'
expect_exit 3 restore $sub --from 20200101T000000Z-op1

step "wipe-db backs up first; restore undoes it"
md wipe-db $sub --yes >/dev/null
assert_not_contains "$(app_get "$app" "/schemas")" tap_orders "wiped"
wipe_backup=$(backups_json $sub | jq -r '.[] | select(.reason == "before wipe-db") | .id')
[ -n "$wipe_backup" ] || fail "no backup before wipe-db"
md flags set $sub MELTANO_EXTRA=1 >/dev/null
md restore $sub --from "$wipe_backup" >/dev/null
assert_contains "$(app_get "$app" "/schemas")" tap_orders "schema back"
assert_eq "$(sql_db "$db" "SELECT id, label FROM tap_orders.extract_rows ORDER BY id" | sha256sum)" "$rows_before" "rows back"
assert_eq "$(md flags list $sub -o json | jq -c .)" '{"MELTANO_UI_READONLY":"true"}' "flags as in the backup"
assert_eq "$(app_code "$app" "/healthz")" 200 "serving after restore"
assert_eq "$(backups_json $sub | jq -r '.[0].reason')" "before restore" "state before the restore kept"

step "a damaged backup is refused and the instance keeps serving"
cp "$DATA/backups/$sub/$id1/db.dump" "$DATA/dump.good"
printf 'x' >>"$DATA/backups/$sub/$id1/db.dump"
expect_exit 1 restore $sub --from "$id1"
out=$(cat "$DATA/last.out" "$DATA/last.err")
assert_contains "$out" "db.dump"
assert_eq "$(app_code "$app" "/healthz")" 200 "still serving"
assert_eq "$(md show $sub -o json | jq -r .status)" running
cp "$DATA/dump.good" "$DATA/backups/$sub/$id1/db.dump"

step "a full disk fails the backup, so the delete does not happen"
n=$(count_backups $sub)
mkdir -p "$DATA/full" && mount -t tmpfs -o size=4k tmpfs "$DATA/full"
mv "$DATA/backups/$sub" "$DATA/backups/$sub.away"
mkdir "$DATA/backups/$sub" && mount --bind "$DATA/full" "$DATA/backups/$sub"
expect_exit 1 delete $sub --yes
out=$(cat "$DATA/last.out" "$DATA/last.err")
assert_contains "$out" "nothing was changed"
assert_contains "$out" "No space left on device"
assert_eq "$(md show $sub -o json | jq -r .status)" running "not deleted"
assert_eq "$(app_code "$app" "/healthz")" 200 "started again"
assert_eq "$(find "$DATA/full" -mindepth 1 | wc -l)" 0 "nothing half-written left"
umount "$DATA/backups/$sub" && umount "$DATA/full"
rmdir "$DATA/backups/$sub" && mv "$DATA/backups/$sub.away" "$DATA/backups/$sub"
assert_eq "$(count_backups $sub)" "$n" "no backup counted"

step "delete backs up, then removes everything"
md delete $sub --yes >/dev/null
expect_exit 3 show $sub
id "$user" >/dev/null 2>&1 && fail "user left"
assert_eq "$(psql "$PGURL" -tAc "SELECT count(*) FROM pg_database WHERE datname = '$db'")" 0 "database dropped"
list=$(backups_json $sub)
assert_eq "$(jf "$list" '.[0].reason')" "before delete"
assert_eq "$(backups_json | jq "[.[] | select(.subdomain == \"$sub\")] | length")" "$((n + 1))" "listed without SUB too"

step "restore brings the deleted instance back: rows, files, flags, passwords"
out=$(md restore $sub)
assert_contains "$out" "restore_database"
show=$(md show $sub -o json)
assert_eq "$(jf "$show" .status)" running
assert_eq "$(jf "$show" .app_version)" 1.4.0 "same version"
assert_eq "$(jf "$show" .email)" kim@bkp.example
app=$(jf "$show" .subdomain)
user=$(jf "$show" .unix_user)
assert_eq "$(app_code "$app" "/healthz")" 200 "serving"
assert_eq "$(sql_db "$db" "SELECT id, label FROM tap_orders.extract_rows ORDER BY id" | sha256sum)" "$rows_before" "same rows"
assert_eq "$(sha256sum <"$project/extract/orders.csv")" "$file_before" "same file"
assert_eq "$(stat -c %U "$project/extract/orders.csv")" "$user" "file owned by the new tenant user"
assert_eq "$(md flags list $sub -o json | jq -r .MELTANO_UI_READONLY)" true "same flags"
assert_eq "$(cat "$DATA/secrets/$sub/DATABASE_URL")" "$old_db_url" "the same database password (sealed in the backup)"
assert_eq "$(sql_db "$db" "SELECT tableowner FROM pg_tables WHERE schemaname = 'tap_orders'")" "$db" "tables owned by the tenant role"
assert_eq "$(md doctor -o json | jq length)" 0 "doctor finds nothing"

step "delete --no-backup takes none"
n=$(count_backups $sub)
md delete $sub --yes --no-backup >/dev/null
assert_eq "$(count_backups $sub)" "$n" "no new backup"

step "retention: backups older than the retention are pruned by the controller"
old=$(backups_json $sub | jq -r '.[-1].id')
manifest="$DATA/backups/$sub/$old/manifest.json"
eight_days_ago=$(( $(date +%s%3N) - 8 * 24 * 3600 * 1000 ))
jq ".created_ms = $eight_days_ago" "$manifest" >"$manifest.new" && mv "$manifest.new" "$manifest"
stop_controller
restart_controller_same_port
for _ in $(seq 1 50); do [ -d "$DATA/backups/$sub/$old" ] || break; sleep 0.1; done
[ -d "$DATA/backups/$sub/$old" ] && fail "old backup not pruned"
assert_eq "$(count_backups $sub)" "$((n - 1))" "one pruned, the rest kept"
grep -q "removed 1 backup" "$DATA/controller.log" || fail "pruning not logged"
echo "PASS"
