#!/usr/bin/env bash
# A tenant, acting only as its Unix user, plants symlinks (to /etc/shadow and
# to a root-only file), a FIFO, a link to /dev/zero and a huge sparse file
# where the root controller reads and writes: its logs, .env, secrets dir and
# the gunicorn-style pid file. `logs`, `flags set`, `secrets set`, `doctor`
# and `delete` never show those files' content, never write through a link,
# never hang, and say what they refused in one line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# The demo app with a reload pid file, as the meltano profile has (gunicorn.pid).
mkdir -p "$DATA/profiles"
sed -e 's/^name = "demo"/name = "pidapp"/' \
  -e 's|^app_log = .*|&\nreload_pid_file = "{{project_dir}}/.meltano/run/gunicorn.pid"|' \
  "${MELTANODATA_SOURCE_DIR:?}/profiles/demo.toml" >"$DATA/profiles/pidapp.toml"
EXTRA_CONFIG="profiles_dir = \"$DATA/profiles\"" start_controller

# Root-only things a tenant would like root to show or overwrite.
marker="ROOT-ONLY-$RANDOM$RANDOM"
mkdir -m 0700 "$DATA/rootonly"
printf '%s\n' "$marker" >"$DATA/rootonly/meltano-ui.log"
printf '%s\n' "$marker" >"$DATA/victim"
chmod 0600 "$DATA/victim" "$DATA/rootonly/meltano-ui.log"
shadow_line=$(head -n 1 /etc/shadow)
# /etc/shadow itself changes with useradd/userdel: checked for what root could have written into it.
fingerprint() { stat -c '%y %s %U %a' "$DATA/victim" "$DATA/rootonly/meltano-ui.log"; sha256sum "$DATA/victim"; }
before=$(fingerprint)

sub=$P-tf
md create --subdomain "$sub" --email t@example.com --name T --app pidapp >/dev/null
user=$(jf "$(md show "$sub" -o json)" .unix_user)
as_tenant() { setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --clear-groups -- "$@"; }
project="$DATA/tenants/$sub/project"
run="$project/.meltano/run"
secrets="$DATA/secrets/$sub"
for _ in $(seq 1 100); do [ -f "$run/meltano-ui.log" ] && break; sleep 0.1; done
[ -f "$run/meltano-ui.log" ] || fail "the app wrote no log"

# Runs the CLI with a time limit that only a hang exceeds (the tail of a huge
# sparse file is 8 MiB of zeros to send: seconds, more beside other tests);
# the controller must answer /healthz after it.
# Leaves stdout in $out, stderr in $err and the exit code in $code.
call() {
  code=0
  local t0=$SECONDS
  timeout 120 "$BIN" "$@" >"$DATA/last.out" 2>"$DATA/last.err" || code=$?
  [ $((SECONDS - t0)) -lt 10 ] || echo "    meltanodata $* took $((SECONDS - t0)) s"
  out=$(tr -d '\0' <"$DATA/last.out")
  err=$(cat "$DATA/last.err")
  [ "$code" -ne 124 ] || fail "meltanodata $* hung"
  assert_eq "$(http_code --max-time 5 "$MELTANODATA_URL/healthz")" 200 "controller answers after $*"
  for text in "$out" "$err"; do
    assert_not_contains "$text" "$marker" "root-only file shown by $*"
    assert_not_contains "$text" "$shadow_line" "/etc/shadow shown by $*"
  done
}
# A failed call says why in one line.
one_line_error() {
  assert_ne "$code" 0 "meltanodata $1 should have failed"
  assert_eq "$(wc -l <"$DATA/last.err")" 1 "one error line: $err"
  assert_contains "$err" "$2"
}

step "logs: a symlink in place of the app log and of logs/current is named, not followed"
as_tenant ln -sf /etc/shadow "$run/meltano-ui.log"
as_tenant rm -f "$DATA/tenants/$sub/logs/current"
as_tenant ln -s "$DATA/victim" "$DATA/tenants/$sub/logs/current"
call logs "$sub" --lines 50
assert_eq "$code" 0 "logs answers"
assert_contains "$out" "$sub/project/.meltano/run/meltano-ui.log is a symlink; not followed"
assert_contains "$out" "$sub/logs/current is a symlink; not followed"

step "logs: a FIFO, a link to /dev/zero, a huge file, a directory swapped for a symlink"
as_tenant rm -f "$run/meltano-ui.log"
as_tenant mkfifo "$run/meltano-ui.log"
call logs "$sub"
assert_contains "$out" "meltano-ui.log is a FIFO, not a regular file"
as_tenant rm -f "$run/meltano-ui.log"
as_tenant ln -s /dev/zero "$run/meltano-ui.log"
call logs "$sub" --lines 100000
assert_contains "$out" "meltano-ui.log is a symlink; not followed"
as_tenant rm -f "$run/meltano-ui.log"
as_tenant truncate -s 50G "$run/meltano-ui.log"
call logs "$sub" --lines 100000
[ "$(stat -c %s "$DATA/last.out")" -lt $((9 << 20)) ] || fail "a huge log was read whole"
as_tenant mv "$project/.meltano/run" "$project/.meltano/run.real"
as_tenant ln -s "$DATA/rootonly" "$project/.meltano/run"
call logs "$sub"
assert_contains "$out" "$sub/project/.meltano/run is a symlink; not followed"
as_tenant rm "$project/.meltano/run"
as_tenant mv "$project/.meltano/run.real" "$project/.meltano/run"

step "flags set: a .env symlink is replaced, its target untouched; a planted pid file is refused"
pid=$(jf "$(md status "$sub" -o json)" .pid)
as_tenant sh -c "echo $pid >'$run/gunicorn.pid'"
as_tenant ln -sf "$DATA/victim" "$project/.env"
call flags set "$sub" MELTANO_UI_READONLY=true
assert_eq "$code" 0 "flags set over a .env symlink: $err"
[ -f "$project/.env" ] && [ ! -L "$project/.env" ] || fail ".env is not a regular file"
assert_eq "$(owner_mode "$project/.env")" "$user:$user 640"
as_tenant ln -sf /etc/shadow "$run/gunicorn.pid"
call flags set "$sub" MELTANO_UI_READONLY=false
one_line_error "flags set" "gunicorn.pid is a symlink; not followed"
as_tenant rm -f "$run/gunicorn.pid"
as_tenant mkfifo "$run/gunicorn.pid"
call flags set "$sub" MELTANO_UI_READONLY=false
one_line_error "flags set" "gunicorn.pid is a FIFO, not a regular file"
as_tenant rm -f "$run/gunicorn.pid"
as_tenant sh -c "echo $pid >'$run/gunicorn.pid'"
call flags set "$sub" MELTANO_UI_READONLY=false
assert_eq "$code" 0 "flags set with a real pid file: $err"

step "secrets set: links in the secrets dir are replaced, never written through"
as_tenant ln -sf "$DATA/victim" "$secrets/API_KEY"
as_tenant rm -f "$secrets/DATABASE_URL"
as_tenant ln -s /etc/shadow "$secrets/DATABASE_URL"
as_tenant mkfifo "$secrets/STRAY"
call doctor
assert_contains "$out" "secrets"
call secrets set "$sub" API_KEY=new-value
assert_eq "$code" 0 "secrets set: $err"
for f in API_KEY DATABASE_URL; do
  [ -f "$secrets/$f" ] && [ ! -L "$secrets/$f" ] || fail "$f is not a regular file"
  assert_eq "$(owner_mode "$secrets/$f")" "$user:$user 600"
done
[ ! -e "$secrets/STRAY" ] || fail "a stray FIFO was left in the secrets dir"

step "doctor: a .env symlink is drift, named in one line, and --fix replaces it"
as_tenant ln -sf /etc/shadow "$project/.env"
call doctor -o json
assert_eq "$(jq -r --arg s "$sub" '.[] | select(.subdomain==$s and .resource==".env") | .detail' <<<"$out")" \
  "$sub/project/.env is a symlink; not followed"
call doctor --fix
[ -f "$project/.env" ] && [ ! -L "$project/.env" ] || fail "doctor --fix left the .env symlink"

step "delete: links in the tenant's tree are removed, what they point at is not"
as_tenant ln -s "$DATA/rootonly" "$project/dirlink"
as_tenant ln -s "$DATA/victim" "$project/filelink"
as_tenant ln -sf /etc/shadow "$run/meltano-ui.log"
call delete "$sub" --yes
assert_eq "$code" 0 "delete: $err"
[ ! -e "$DATA/tenants/$sub" ] && [ ! -e "$secrets" ] || fail "tenant files left"
[ -f "$DATA/rootonly/meltano-ui.log" ] || fail "delete removed a symlink's target"

assert_eq "$(fingerprint)" "$before" "root-only files unchanged (content, mtime, owner, mode)"
assert_eq "$(grep -c -e MELTANO_UI -e new-value /etc/shadow || true)" 0 "nothing written through a link to /etc/shadow"
echo "PASS tenant_files"
