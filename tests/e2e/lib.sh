# Shared helpers of the end-to-end tests: start a real controller on a fresh
# data dir, run the CLI, assert, and clean up everything the test made.
# Source it; every *_test.sh runs with `set -euo pipefail`.

BIN=${MELTANODATA_BIN:?set MELTANODATA_BIN to the meltanodata binary}
# E2E_DATA_PARENT: where the data dir goes (default /tmp); SFTP logins need
# one whose every component is root's and not writable by others (not /tmp).
DATA=$(mktemp -d "${E2E_DATA_PARENT:-/tmp}/md-e2e.XXXXXX")
chmod 0755 "$DATA"
CTRL_PID=""
EXTRA_PG_DIRS=()
PG_BIN=$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)
[ -x "$PG_BIN/initdb" ] || PG_BIN=/usr/lib/postgresql/15/bin

# Prints what the test waits on: the processes of its data dir, the
# controller's log and every controller thread's stack (gdb).
dump_state() {
  {
    ps -eo pid,ppid,etimes,stat,wchan:24,args --forest | grep -F -e "$DATA" -e "$BIN" | grep -v -e grep -e "ps -eo" || true
    echo "--- what the test runs now ---"
    ps -o pid,etimes,args --ppid "$$" | grep -v -e "ps -o" || true
    echo "--- controller log (last 60 lines) ---"
    tail -n 60 "$DATA/controller.log" 2>/dev/null || true
    if command -v gdb >/dev/null; then
      # This test's controller: others' may run beside it (gdb stops what it attaches to).
      for pid in $(pgrep -f -- "serve --data-dir $DATA " || true); do
        echo "--- threads of $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120) (pid $pid) ---"
        timeout 60 gdb -q -batch -p "$pid" -ex "thread apply all bt 25" 2>/dev/null | grep -E '^(Thread|#)' | head -n 400 || true
      done
    fi
  } >&2
}

# A test still running after $1 seconds (default: a minute before ctest's
# 600 s timeout) prints what it waits on: the processes of its data dir, the
# controller's log and every controller thread's stack. ctest kills a timed-out
# test without a word; this says where it hung. Calling it again re-arms it.
WATCHDOG_PID=""
watchdog_off() {
  [ -n "$WATCHDOG_PID" ] || return 0
  local sleeper
  sleeper=$(pgrep -P "$WATCHDOG_PID" sleep || true)
  kill "$WATCHDOG_PID" 2>/dev/null || true  # first the shell, which would go on once its sleep ends
  [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null || true
  wait "$WATCHDOG_PID" 2>/dev/null || true  # reaped here, bash does not report it "Terminated"
  WATCHDOG_PID=""
}
watchdog() {
  local after=$1
  watchdog_off
  (
    sleep "$after" </dev/null >/dev/null 2>&1
    echo "=== watchdog: $(basename "$0") still running after $after s" >&2
    dump_state
  ) &
  WATCHDOG_PID=$!
}
watchdog "${E2E_WATCHDOG_S:-540}"

# rand_hex N: N random bytes, in hex.
rand_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# This run's prefix: ctest runs tests side by side, and what a test makes on
# the host is host-wide (a subdomain SUB becomes the Unix user and group
# md-SUB), so every name a test gives starts with it: --subdomain "$P-shop".
# A letter and 6 hex digits: "md-$P-" leaves 21 of a user name's 32 characters.
P=t$(rand_hex 3)
# Each controller counts its tenants' UIDs up from uid_base: one of this run's
# own keeps controllers side by side from handing out (and sweeping) each
# other's UIDs. Above the default (2000000) and host_test's range (3000000+).
UID_BASE=$((4000000 + 1000 * (16#$(rand_hex 3) % 100000)))

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$DATA/controller.log" ]; then
    echo "--- controller log (last 40 lines) ---" >&2
    tail -n 40 "$DATA/controller.log" >&2
  fi
  exit 1
}

step() { echo "--- [${SECONDS}s] $*"; }

# A port free now, at random in 10000-14999: below the kernel's ephemeral
# range (32768+), which every outgoing connection of the tests running beside
# this one draws from (a port the kernel handed out was taken again before the
# controller bound it, in CI), and below the embedded cluster's 15432+.
free_port() {
  python3 -c 'import random, socket
for _ in range(200):
    port = random.randint(10000, 14999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
else:
    raise SystemExit("no free port in 10000-14999")'
}

md() { "$BIN" "$@"; }

# Runs the CLI and checks its exit code: expect_exit CODE args...
expect_exit() {
  local want=$1
  shift
  local got=0
  "$BIN" "$@" >"$DATA/last.out" 2>"$DATA/last.err" || got=$?
  if [ "$got" -ne "$want" ]; then
    cat "$DATA/last.out" "$DATA/last.err" >&2
    fail "meltanodata $* exited $got, expected $want"
  fi
}

assert_eq() { [ "$1" == "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"; }
assert_ne() { [ "$1" != "$2" ] || fail "${3:-values equal}: both '$1'"; }
assert_contains() { [[ "$1" == *"$2"* ]] || fail "${3:-missing text}: '$2' not in '$1'"; }
assert_not_contains() { [[ "$1" != *"$2"* ]] || fail "${3:-unexpected text}: '$2' found"; }

# json_field JSON-TEXT JQ-FILTER
jf() { jq -r "$2" <<<"$1"; }

# Owner user:group and octal mode of a path.
owner_mode() { stat -c '%U:%G %a' "$1"; }

http_get() { curl -sS --max-time 5 "$@"; }
# An instance's app on its unix socket, the only place it listens:
# app_get SUB PATH [curl args...] prints the body, app_code the HTTP status.
app_sock() { echo "$DATA/sockets/$1/app.sock"; }
app_get() { local sub=$1 path=$2; shift 2; curl -sS --max-time 5 --unix-socket "$(app_sock "$sub")" "$@" "http://app$path"; }
app_code() {
  local sub=$1 path=$2
  shift 2
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 --unix-socket "$(app_sock "$sub")" "$@" "http://app$path" || true
}
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }

start_controller() {
  local port passive
  port=$(free_port)
  passive=$((30000 + RANDOM % 3000 * 10))  # FTP's passive ports: ten from here
  cat >"$DATA/config.toml" <<TOML
embedded_cluster_capacity = ${EMBEDDED_CAPACITY:-100}
health_timeout_s = ${HEALTH_TIMEOUT_S:-20}
step_max_attempts = ${STEP_MAX_ATTEMPTS:-12}
backup_retention_days = ${BACKUP_RETENTION_DAYS:-7}
uid_base = $UID_BASE
https_port = ${HTTPS_PORT:-$(free_port)}
http_port = ${HTTP_PORT:-$(free_port)}
${EXTRA_CONFIG:-}
[files]
sftp_port = ${SFTP_PORT:-$(free_port)}
ftp_port = ${FTP_PORT:-$(free_port)}
passive_ports = "${PASSIVE_PORTS:-$passive-$((passive + 9))}"
TOML
  MELTANODATA_FAULT=${MELTANODATA_FAULT:-} "$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$port" \
    --config "$DATA/config.toml" >>"$DATA/controller.log" 2>&1 &
  CTRL_PID=$!
  export MELTANODATA_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 600); do
    if [ "$(http_code "$MELTANODATA_URL/healthz")" = "200" ]; then
      MELTANODATA_TOKEN=$(cat "$DATA/admin.token")
      export MELTANODATA_TOKEN
      return 0
    fi
    kill -0 "$CTRL_PID" 2>/dev/null || fail "controller exited during start"
    sleep 0.1
  done
  fail "controller did not answer /healthz"
}

restart_controller_same_port() {
  local port=${MELTANODATA_URL##*:}
  MELTANODATA_FAULT=${MELTANODATA_FAULT:-} "$BIN" serve --data-dir "$DATA" --listen "127.0.0.1:$port" \
    --config "$DATA/config.toml" >>"$DATA/controller.log" 2>&1 &
  CTRL_PID=$!
  for _ in $(seq 1 600); do
    [ "$(http_code "$MELTANODATA_URL/healthz")" = "200" ] && return 0
    kill -0 "$CTRL_PID" 2>/dev/null || fail "controller exited during restart"
    sleep 0.1
  done
  fail "controller did not answer /healthz after restart"
}

# SIGTERM must stop the controller within a minute; one that does not is a
# bug: its threads are printed and the test fails.
stop_controller() {
  [ -n "$CTRL_PID" ] || return 0
  kill -TERM "$CTRL_PID" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$CTRL_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$CTRL_PID" 2>/dev/null; then
    echo "=== the controller did not stop within 60 s of SIGTERM" >&2
    dump_state
    kill -KILL "$CTRL_PID" 2>/dev/null || true
    wait "$CTRL_PID" 2>/dev/null || true
    CTRL_PID=""
    echo "FAIL: the controller did not stop on SIGTERM" >&2
    return 1
  fi
  wait "$CTRL_PID" 2>/dev/null || true
  CTRL_PID=""
}

kill_controller() {
  [ -n "$CTRL_PID" ] || return 0
  kill -KILL "$CTRL_PID" 2>/dev/null || true
  wait "$CTRL_PID" 2>/dev/null || true
  CTRL_PID=""
}

# Starts another PostgreSQL cluster (as the embedded cluster's OS user) and
# prints its admin URL.
start_extra_pg() {
  local name=$1 port dir pw
  port=$(free_port)
  dir="$DATA/extra-pg-$name"
  pw=$(rand_hex 16)
  mkdir -p "$dir/run"
  printf '%s\n' "$pw" >"$dir/pw"
  chown -R meltanodata-pg:meltanodata-pg "$dir"
  setpriv --reuid=meltanodata-pg --regid=meltanodata-pg --clear-groups -- \
    "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" --auth=scram-sha-256 >/dev/null
  setpriv --reuid=meltanodata-pg --regid=meltanodata-pg --clear-groups -- \
    "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1" start >/dev/null
  EXTRA_PG_DIRS+=("$dir")
  echo "postgresql://postgres:$pw@127.0.0.1:$port/postgres"
}

cleanup() {
  local status=$?
  watchdog_off
  stop_controller || status=1
  # Stop every supervised process (tenants and the embedded PostgreSQL).
  if [ -d "$DATA/services" ]; then
    s6-svscanctl -t "$DATA/services" 2>/dev/null || true
    for _ in $(seq 1 50); do pgrep -f "s6-svscan $DATA/services" >/dev/null || break; sleep 0.1; done
    pkill -KILL -f "$DATA/" 2>/dev/null || true
  fi
  for dir in "${EXTRA_PG_DIRS[@]}"; do
    setpriv --reuid=meltanodata-pg --regid=meltanodata-pg --clear-groups -- \
      "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  done
  # Tenant users whose home is under this data dir.
  while IFS=: read -r user _ _ _ _ home _; do
    if [[ "$home" == "$DATA"/* ]]; then
      pkill -KILL -u "$user" 2>/dev/null || true
      userdel "$user" 2>/dev/null || true
    fi
  done </etc/passwd
  # Groups a test made by hand under this run's prefix.
  getent group | cut -d: -f1 | { grep "^md-$P-" || true; } | while read -r g; do groupdel "$g" 2>/dev/null || true; done
  # Tenant cgroups of this data dir (its parent group is named after it, as in serve.cc).
  local parent
  parent=meltanodata-$(python3 -c 'import sys
h = 2166136261
for c in sys.argv[1].encode(): h = ((h ^ c) * 16777619) % 2**32
print("%08x" % h)' "$DATA")
  for g in /sys/fs/cgroup/{memory,pids,cpu,unified}/"$parent"/tenant-* /sys/fs/cgroup/{memory,pids,cpu,unified}/"$parent"; do
    [ -d "$g" ] && rmdir "$g" 2>/dev/null || true
  done
  # The file servers' PAM service of this data dir (named as in file_access_stack.cc).
  rm -f "/etc/pam.d/meltanodata-files-${parent#meltanodata-}"
  # Small filesystems a test mounted to fill up.
  awk -v d="$DATA/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  # s6's supervise dirs may still be written to for a moment after it stops.
  for _ in 1 2 3 4 5; do rm -rf "$DATA" 2>/dev/null && break; sleep 0.2; done
  exit $status
}
trap cleanup EXIT
