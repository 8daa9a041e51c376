#!/usr/bin/env bash
# doctor finds what exists but no instance owns (a tenant-looking Unix user,
# database, role, service, cgroup or directory) and ledger rows whose resource is
# gone; doctor --fix removes or recreates, and says what it did.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
sql() { psql "$PGURL" -tAc "$1"; }
md create --subdomain "$P-real" --email a@example.com --name A >/dev/null
app=$(jf "$(md show "$P-real" -o json)" .subdomain)

step "plant one orphan of each kind, and delete a real resource behind the controller's back"
useradd --system --user-group --no-create-home --home-dir "$DATA/tenants/ghost-user/project" \
  --shell /usr/sbin/nologin "md-$P-ghost-user"
mkdir -p "$DATA/tenants/ghost-dir/project" "$DATA/secrets/ghost-secrets"
mkdir -p "$DATA/services/.tmp-ghost" && printf '#!/bin/sh\nexec sleep 1000\n' >"$DATA/services/.tmp-ghost/run" &&
  chmod 0755 "$DATA/services/.tmp-ghost/run" && mv "$DATA/services/.tmp-ghost" "$DATA/services/tenant-ghost-svc" &&
  s6-svscanctl -a "$DATA/services"
# A group beside the real app's, in each hierarchy (cgroup v1) or the unified one.
pid=$(jf "$(md status "$P-real" -o json)" .pid)
ghost_cgroups=()
if grep -q '^0::' "/proc/$pid/cgroup" && [ -e /sys/fs/cgroup/cgroup.controllers ]; then
  ghost_cgroups+=("/sys/fs/cgroup$(dirname "$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")")/tenant-ghost-cg")
else
  for c in memory pids cpu; do
    ghost_cgroups+=("/sys/fs/cgroup/$c$(dirname "$(awk -F: -v c=$c '$2 ~ "(^|,)" c "(,|$)" {print $3}' "/proc/$pid/cgroup")")/tenant-ghost-cg")
  done
fi
mkdir "${ghost_cgroups[@]}"
sql "create database md_ghost_db" >/dev/null
sql "create role md_ghost_role" >/dev/null
pkill -KILL -u "md-$P-real" || true
userdel "md-$P-real"

step "doctor reports each of them"
report=$(md doctor -o json)
for resource in "unix_user md-$P-ghost-user" "directory $DATA/tenants/ghost-dir" "directory $DATA/secrets/ghost-secrets" \
  "service tenant-ghost-svc" "cgroup tenant-ghost-cg" "pg_database local/md_ghost_db" "pg_role local/md_ghost_role"; do
  assert_eq "$(jq --arg r "$resource" '[.[] | select(.kind=="orphan" and .resource==$r)] | length' <<<"$report")" 1 \
    "orphan $resource reported"
done
assert_eq "$(jq --arg r "unix_user md-$P-real" '[.[] | select(.kind=="missing" and .resource==$r)] | length' <<<"$report")" 1 \
  "missing user reported"
assert_eq "$(jq '[.[] | select(.fixed)] | length' <<<"$report")" 0 "nothing fixed without --fix"

step "doctor --fix removes the orphans and recreates the missing user"
fixed=$(md doctor --fix -o json)
assert_eq "$(jq '[.[] | select(.fixed | not)] | length' <<<"$fixed")" 0 "everything fixed: $fixed"
if getent passwd "md-$P-ghost-user" >/dev/null; then fail "orphan user left"; fi
[ ! -e "$DATA/tenants/ghost-dir" ] && [ ! -e "$DATA/secrets/ghost-secrets" ] || fail "orphan dirs left"
[ ! -e "$DATA/services/tenant-ghost-svc" ] || fail "orphan service left"
for g in "${ghost_cgroups[@]}"; do [ ! -e "$g" ] || fail "orphan cgroup $g left"; done
assert_eq "$(sql "select count(*) from pg_database where datname='md_ghost_db'")" 0 "orphan database left"
assert_eq "$(sql "select count(*) from pg_roles where rolname='md_ghost_role'")" 0 "orphan role left"
getent passwd "md-$P-real" >/dev/null || fail "missing user not recreated"
assert_eq "$(app_code "$app" "/healthz")" 200 "real instance serves again"
assert_eq "$(ps -o user= -p "$(jf "$(md status "$P-real" -o json)" .pid)")" "md-$P-real" "app runs as the recreated user"
assert_eq "$(md doctor -o json | jq length)" 0 "doctor finds nothing after --fix"
echo "PASS orphans"
