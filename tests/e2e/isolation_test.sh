#!/usr/bin/env bash
# Tenants cannot reach each other or the host (issue #8), on the real
# components: tenant A, acting only as its Unix user and with its own
# database credentials (read from its own secrets, as its app would), tries
# to read B's files, secrets, logs and backups; to connect to B's database,
# to `postgres` and to the templates; the search_path trick followed by
# wipe-db (CVE-2018-1058's pattern); superuser-only SQL; to reach, squat or
# replace B's upstream socket; to read B's environment and signal B's
# process; and to make `logs` print B's files through a planted link. Every
# attempt fails, B keeps serving and the controller keeps answering.
# (Fork bombs and memory hogs: tenant_limits_test; planted symlinks, FIFOs
# and hard links where root reads: tenant_files_test.)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

A=${P}a
B=${P}b
start_controller
PGURL="postgresql://postgres:$(cat "$DATA/postgres/superuser.password")@127.0.0.1:$(cat "$DATA/postgres/port")/postgres"
admin_sql() { psql "$PGURL" -tAc "$1"; }

step "two tenants"
md create --subdomain "$A" --email "a@$A.example" --name A >/dev/null
md create --subdomain "$B" --email "b@$B.example" --name B >/dev/null
user_a=$(jf "$(md show "$A" -o json)" .unix_user)
role_a=$(jf "$(md show "$A" -o json)" .database.name)
db_b=$(jf "$(md show "$B" -o json)" .database.name)
md flags set "$B" MELTANO_UI_NOTIFICATION=b-secret-flag >/dev/null
printf 'b-api-key-value\n' | md secrets set "$B" API_KEY >/dev/null
md backup "$B" >/dev/null
pid_b=$(jf "$(md status "$B" -o json)" .pid)

# As tenant A's Unix user, with a minimal environment, like A's app.
as_a() { setpriv --reuid="$user_a" --regid="$user_a" --clear-groups -- env -i PATH=/usr/bin:/bin HOME=/ "$@"; }
# Runs as A and expects it to fail; prints what it printed.
refused_as_a() {
  local what=$1
  shift
  if as_a "$@" >"$DATA/attack.out" 2>&1; then
    cat "$DATA/attack.out" >&2
    fail "A could $what"
  fi
}

step "A's own database URL, from A's own secrets (as its app reads it)"
url_a=$(as_a cat "$DATA/secrets/$A/DATABASE_URL")
assert_eq "$(as_a psql "$url_a" -tAc 'select current_user')" "$role_a" "A logs in to its own database"

step "A cannot read B's project, secrets, logs, socket dir or any backup"
for path in "$DATA/tenants/$B/project/.env" "$DATA/secrets/$B/API_KEY" "$DATA/secrets/$B/DATABASE_URL" \
  "$DATA/tenants/$B/logs/current" "$DATA/tenants/$B/project/.meltano/run/meltano-ui.log"; do
  refused_as_a "read $path" cat "$path"
done
for dir in "$DATA/tenants/$B/project" "$DATA/secrets/$B" "$DATA/tenants/$B/logs" "$DATA/sockets/$B" "$DATA/backups"; do
  refused_as_a "list $dir" ls "$dir"
done
refused_as_a "write into B's socket dir" touch "$DATA/sockets/$B/squat"

step "A cannot reach B's app except through the front door"
refused_as_a "connect to B's socket" curl -sf --max-time 3 --unix-socket "$DATA/sockets/$B/app.sock" http://app/flags
for pid in $(ss -Hltnup | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
  [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" != "$user_a" ] || fail "A's process $pid listens on an IP port"
done
assert_eq "$(app_code "$B" /healthz)" 200 "B still serves on its socket"
hp=$(grep -E '^https_port' "$DATA/config.toml" | sed 's/.*= *//')
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -k "https://$B.localhost:$hp/healthz")" 200 \
  "B through the front door"

step "A cannot read B's process environment nor signal it"
refused_as_a "read B's environment" cat "/proc/$pid_b/environ"
refused_as_a "signal B's app" kill -0 "$pid_b"

step "A's login reaches no database but its own"
for db in "$db_b" postgres template1; do
  refused_as_a "connect to $db" psql "${url_a%/*}/$db" -tAc 'select 1'
done

step "A cannot use superuser-only SQL"
for sql in "COPY (SELECT 1) TO PROGRAM 'id'" "SELECT pg_read_file('/etc/passwd')" \
  "CREATE ROLE x SUPERUSER" "ALTER ROLE $role_a SUPERUSER" "CREATE DATABASE x" "SET ROLE postgres" \
  "CREATE EXTENSION dblink" "ALTER SYSTEM SET log_statement = 'all'"; do
  refused_as_a "run: $sql" psql "$url_a" -v ON_ERROR_STOP=1 -tAc "$sql"
done
assert_eq "$(admin_sql "select count(*) from pg_auth_members m join pg_roles r on r.oid = m.member where r.rolname = '$role_a'")" \
  0 "A is a member of no role"
assert_eq "$(admin_sql "select rolconnlimit from pg_roles where rolname = '$role_a'")" 20 "A's connection limit"

step "the search_path trick, then wipe-db: nothing of A's runs as superuser"
as_a psql "$url_a" -v ON_ERROR_STOP=1 -q <<SQL
CREATE SCHEMA evil;
CREATE FUNCTION evil.starts_with(text, text) RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN EXECUTE 'ALTER ROLE $role_a SUPERUSER'; RETURN false; END \$\$;
CREATE FUNCTION evil.quote_ident(text) RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN EXECUTE 'ALTER ROLE $role_a SUPERUSER'; RETURN \$1; END \$\$;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN EXECUTE 'ALTER ROLE $role_a SUPERUSER'; RETURN \$1 OPERATOR(pg_catalog.=) \$2; END \$\$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
ALTER DATABASE $role_a SET search_path = evil, pg_catalog, public;
ALTER ROLE $role_a SET search_path = evil, pg_catalog, public;
ALTER ROLE $role_a PASSWORD 'changed-by-the-tenant';
SQL
md wipe-db "$A" --yes >/dev/null
assert_eq "$(admin_sql "select rolsuper from pg_roles where rolname = '$role_a'")" f "A is not superuser after wipe-db"
assert_eq "$(as_a psql "$url_a" -tAc "select count(*) from pg_namespace where nspname = 'evil'")" 0 \
  "the wipe dropped A's schema, logged in with the recorded password"
md backup "$A" >/dev/null
assert_eq "$(admin_sql "select rolsuper from pg_roles where rolname = '$role_a'")" f "A is not superuser after a backup"

step "a link planted in A's logs does not make root print B's files"
as_a sh -c "rm -f '$DATA/tenants/$A/logs/current' && ln -s '$DATA/secrets/$B/API_KEY' '$DATA/tenants/$A/logs/current'"
as_a sh -c "rm -rf '$DATA/tenants/$A/project/.meltano/run' && ln -s '$DATA/tenants/$B/project' '$DATA/tenants/$A/project/.meltano/run'"
out=$(md logs "$A" --lines 50 2>&1 || true)
assert_not_contains "$out" "b-api-key-value" "B's secret through A's logs"
assert_not_contains "$out" "b-secret-flag" "B's flags through A's logs"

step "B keeps serving, the controller keeps answering"
assert_eq "$(app_code "$B" /healthz)" 200 "B healthy"
assert_eq "$(jf "$(md status "$B" -o json)" .pid)" "$pid_b" "B's app never restarted"
assert_eq "$(http_code "$MELTANODATA_URL/healthz")" 200 "controller"
md delete "$A" "$B" --yes >/dev/null
echo "PASS isolation"
