#!/usr/bin/env bash
# The `meltano` profile's process model, for real: Debian's gunicorn serving a
# small WSGI app (tests/support/wsgi_flags_app.py) through a profile made from
# profiles/meltano.toml by replacing only what it installs, initialises and
# starts. gunicorn binds the instance's unix socket (GUNICORN_CMD_ARGS, as the
# meltano profile sets it) and writes its pid file; `flags set` reloads it by
# SIGHUP to that pid (same master, new workers with the new flags); the front
# door reaches it over the socket and gunicorn trusts the proxy's
# X-Forwarded-Proto; no TCP port is bound.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SRC=${MELTANODATA_SOURCE_DIR:?set MELTANODATA_SOURCE_DIR to the source tree}
mkdir -p "$DATA/profiles"
python3 - "$SRC/profiles/meltano.toml" "$SRC/tests/support/wsgi_flags_app.py" >"$DATA/profiles/wsgi.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
app = sys.argv[2]
def replace(key, value):
    global text
    pattern = re.compile(r"^%s = (\[\n(?:.*\n)*?\]|.*)$" % key, re.M)
    assert pattern.search(text), key
    text = pattern.sub(lambda m: "%s = %s" % (key, value), text, count=1)
replace("name", '"wsgi"')
replace("default_version", '"1.0.0"')
replace("install", '[["install", "-D", "-m", "0644", "%s", "{{app_dir}}/wsgi_flags_app.py"]]' % app)
replace("init", '[["mkdir", "-p", ".meltano/run"]]')
replace("start", '["/usr/bin/gunicorn", "--pid", "{{project_dir}}/.meltano/run/gunicorn.pid", '
        '"--error-logfile", "{{project_dir}}/.meltano/run/meltano-ui.log", '
        '"--chdir", "{{tenant_dir}}/app/current", "--workers", "2", "wsgi_flags_app:app"]')
sys.stdout.write(text)
PY
EXTRA_CONFIG="profiles_dir = \"$DATA/profiles\""
export EXTRA_CONFIG
start_controller
hp=$(grep -E '^https_port' "$DATA/config.toml" | sed 's/.*= *//')

step "create: gunicorn healthy on the instance's unix socket"
md create --subdomain "$P" --email "g@$P.example" --name G --app wsgi >/dev/null
assert_eq "$(app_code "$P" /api/health)" 200 "health on the socket"
status=$(md status "$P" -o json)
assert_eq "$(jf "$status" .health)" 200 "status: health"
master=$(jf "$status" .pid)
assert_eq "$(cat "$DATA/tenants/$P/project/.meltano/run/gunicorn.pid")" "$master" "pid file names the master"
assert_eq "$(app_get "$P" /process | jq -r .master)" "$master" "workers are the master's"
user=$(jf "$(md show "$P" -o json)" .unix_user)
assert_eq "$(stat -c '%U:%G %a' "$DATA/sockets/$P")" "$user:$user 700" "socket dir: the tenant's alone"
for pid in $(ss -Hltnup | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
  [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" != "$user" ] || fail "gunicorn ($pid) listens on an IP port"
done

step "flags set: SIGHUP to the pid file's master, new workers read the new flags"
worker=$(app_get "$P" /process | jq -r .worker)
md flags set "$P" MELTANO_UI_READONLY=true >/dev/null
for _ in $(seq 1 50); do
  [ "$(app_get "$P" /flags | jq -r '.MELTANO_UI_READONLY // empty')" = true ] && break
  sleep 0.1
done
assert_eq "$(app_get "$P" /flags | jq -r .MELTANO_UI_READONLY)" true "flag served after reload"
assert_eq "$(jf "$(md status "$P" -o json)" .pid)" "$master" "same master"
assert_ne "$(app_get "$P" /process | jq -r .worker)" "$worker" "workers re-forked"

step "through the front door: gunicorn trusts the proxy's forwarded scheme"
assert_eq "$(curl -sS --max-time 5 -k "https://$P.localhost:$hp/process" | jq -r .scheme)" https "scheme"

md delete "$P" --yes >/dev/null
[ ! -e "$DATA/sockets/$P" ] || fail "socket dir left"
echo "PASS gunicorn"
