# shellcheck shell=bash
# Knot, Pebble and an ACME fault proxy for the end-to-end tests and the
# benchmarks: real processes started from bash, their files under $FIX (outside
# $DATA), stopped on exit, and small helpers to query them.
# Source it after lib.sh (it uses fail, free_port, md); it sets an EXIT trap
# (acme_cleanup) that chains to lib.sh's cleanup.
# Not a test itself: tests/e2e/CMakeLists.txt runs only *_test.sh.

SUPPORT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)
# Knot's and Pebble's files live outside $DATA: a test may start a controller
# on a fresh data dir while they keep running.
FIX=$(mktemp -d /tmp/md-acme-fix.XXXXXX)
KNOT_PID=""
PEBBLE_PID=""
PROXY_PID=""

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Stops the proxy, Pebble and Knot and removes $FIX; on a failure (status $1
# non-zero) shows the end of their logs first. Returns; does not exit.
acme_fixtures_stop() {
  local status=${1:-0}
  if [ "$status" -ne 0 ]; then
    for log in knotd.log pebble.log proxy.log; do
      [ -f "$FIX/$log" ] && { echo "--- $log (last 15 lines) ---" >&2; tail -n 15 "$FIX/$log" >&2; }
    done
  fi
  stop_pid "$PROXY_PID"
  stop_pid "$PEBBLE_PID"
  stop_pid "$KNOT_PID"
  rm -rf "$FIX"
}

# The EXIT trap: the fixtures, then lib.sh's cleanup (controller, s6, tenants,
# $DATA), which exits with the script's status. A script with its own EXIT
# trap calls acme_fixtures_stop and then (cleanup) itself instead.
acme_cleanup() {
  local status=$?
  acme_fixtures_stop "$status"
  # lib.sh's cleanup takes the status from $?; `set -e` must not end us here.
  set +e
  (exit "$status")
  cleanup
}
trap acme_cleanup EXIT

# A port free for both TCP and UDP on 127.0.0.1 right now.
free_tcp_udp_port() {
  python3 - <<'PY'
import socket
for _ in range(20):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        t.close(); u.close()
    print(port); break
PY
}

KNOT_KEY=md-update
KNOT_SECRET=$(openssl rand -base64 32)

# knotd serving example.test (empty but for SOA/NS) and customer.test (with
# www A 127.0.0.1); the TSIG key may update both.
start_knot() {
  KNOT_PORT=$(free_tcp_udp_port)
  mkdir -p "$FIX/knot/db"
  cat >"$FIX/knot/example.test.db" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 127.0.0.1
ZONE
  cat >"$FIX/knot/customer.test.db" <<'ZONE'
$ORIGIN customer.test.
$TTL 300
@ SOA ns1 hostmaster 1 3600 600 86400 300
@ NS ns1
ns1 A 127.0.0.1
www A 127.0.0.1
ZONE
  cat >"$FIX/knot/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$KNOT_PORT
    rundir: $FIX/knot
log:
  - target: stderr
    any: info
database:
    storage: $FIX/knot/db
key:
  - id: $KNOT_KEY
    algorithm: hmac-sha256
    secret: $KNOT_SECRET
acl:
  - id: update
    address: 127.0.0.1
    key: $KNOT_KEY
    action: update
template:
  - id: default
    storage: $FIX/knot
    zonefile-sync: -1
zone:
  - domain: example.test
    file: example.test.db
    acl: update
  - domain: customer.test
    file: customer.test.db
    acl: update
CONF
  /usr/sbin/knotd -c "$FIX/knot/knot.conf" </dev/null >>"$FIX/knotd.log" 2>&1 &
  KNOT_PID=$!
  for _ in $(seq 1 200); do
    [ -n "$(dig1 example.test SOA)" ] && return 0
    kill -0 "$KNOT_PID" 2>/dev/null || fail "knotd exited at start: $(tail -n 3 "$FIX/knotd.log")"
    sleep 0.05
  done
  fail "knotd does not answer on port $KNOT_PORT"
}

# dig1 NAME TYPE: the answers Knot gives, one a line, sorted.
dig1() {
  kdig @127.0.0.1 -p "$KNOT_PORT" +tcp +short +norecurse +timeout=1 +retry=0 "$2" "$1" 2>/dev/null |
    grep -v '^;;' | sort || true
}

# pebble with its own TLS certificate; HTTP-01 goes to Caddy's http_port,
# every name is resolved through Knot.
start_pebble() {
  local http_port=$1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=pebble test" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$FIX/tls-key.pem" -out "$FIX/tls-cert.pem" \
    2>/dev/null
  PEBBLE_PORT=$(free_port)
  PEBBLE_MGMT=$(free_port)
  cat >"$FIX/pebble.json" <<JSON
{"pebble": {"listenAddress": "127.0.0.1:$PEBBLE_PORT", "managementListenAddress": "127.0.0.1:$PEBBLE_MGMT",
  "certificate": "$FIX/tls-cert.pem", "privateKey": "$FIX/tls-key.pem", "httpPort": $http_port,
  "tlsPort": $(free_port), "ocspResponderURL": "", "externalAccountBindingRequired": false}}
JSON
  PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
    pebble -config "$FIX/pebble.json" -dnsserver "127.0.0.1:$KNOT_PORT" </dev/null >>"$FIX/pebble.log" 2>&1 &
  PEBBLE_PID=$!
  for _ in $(seq 1 200); do
    if curl -sf --cacert "$FIX/tls-cert.pem" "https://127.0.0.1:$PEBBLE_PORT/dir" >/dev/null &&
      curl -sf --cacert "$FIX/tls-cert.pem" "https://127.0.0.1:$PEBBLE_MGMT/roots/0" >"$FIX/pebble-root.pem"; then
      return 0
    fi
    kill -0 "$PEBBLE_PID" 2>/dev/null || fail "pebble exited at start: $(tail -n 3 "$FIX/pebble.log")"
    sleep 0.05
  done
  fail "pebble did not start"
}

# tests/support/acme_fault_proxy.py, made switchable: newOrder answers 429
# with Retry-After: $RETRY_AFTER until the file $FIX/proxy.pass exists, then
# everything passes through.
start_fault_proxy() {
  local retry_after=$1
  sed -e 's/^import argparse$/import argparse\nimport os/' \
    -e 's/if self.path == state\["new_order_path"\]:/if self.path == state["new_order_path"] and not os.path.exists(args.ari_log + ".pass"):/' \
    -e "s/(\"Retry-After\", \"120\")/(\"Retry-After\", \"$retry_after\")/" \
    "$SUPPORT/acme_fault_proxy.py" >"$FIX/fault_proxy.py"
  grep -q 'args.ari_log + ".pass"' "$FIX/fault_proxy.py" || fail "could not make the fault proxy switchable"
  grep -q "\"Retry-After\", \"$retry_after\"" "$FIX/fault_proxy.py" || fail "could not set the proxy's Retry-After"
  PROXY_PORT=$(free_port)
  python3 "$FIX/fault_proxy.py" --port "$PROXY_PORT" --upstream "https://127.0.0.1:$PEBBLE_PORT" \
    --cert "$FIX/tls-cert.pem" --key "$FIX/tls-key.pem" --ari-log "$FIX/ari.log" </dev/null >>"$FIX/proxy.log" 2>&1 &
  PROXY_PID=$!
  for _ in $(seq 1 200); do
    curl -sf --cacert "$FIX/tls-cert.pem" "https://127.0.0.1:$PROXY_PORT/dir" >/dev/null && return 0
    kill -0 "$PROXY_PID" 2>/dev/null || fail "fault proxy exited at start: $(tail -n 3 "$FIX/proxy.log")"
    sleep 0.05
  done
  fail "fault proxy did not start"
}

# The controller's config for publishing example.test in Knot.
dns_config() {
  cat <<TOML
domain = "example.test"
public_ipv4 = "127.0.0.1"
[dns]
mode = "rfc2136"
server = "127.0.0.1"
port = $KNOT_PORT
zone = "example.test"
key_name = "$KNOT_KEY"
algorithm = "hmac-sha256"
secret = "$KNOT_SECRET"
TOML
}

# The controller's config for Knot and the ACME directory at $1.
acme_config() {
  dns_config
  cat <<TOML
[acme]
directory_url = "$1"
ca_file = "$FIX/tls-cert.pem"
roots_file = "$FIX/pebble-root.pem"
email = "ops@example.test"
TOML
}

WILDCARD='*.example.test,example.test'
# The record of the wildcard in `certs list -o json` (names joined by ","), or "".
wildcard_cert() { md certs list -o json | jq -c --arg n "$WILDCARD" '[.[] | select((.names | join(",")) == $n)][0] // empty'; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s.
wait_for() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${secs}s: $what"
    sleep 0.25
  done
}
wildcard_trusted() { [ "$(wildcard_cert | jq -r '.trusted // false')" = true ]; }

# The serial of the certificate Caddy serves for SNI $1.
served_serial() {
  openssl s_client -connect "127.0.0.1:$HTTPS_PORT" -servername "$1" </dev/null 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null || true
}
pebble_issued() { grep -c "Issued certificate serial" "$FIX/pebble.log" || true; }
pebble_orders() { grep -c "POST /order-plz " "$FIX/pebble.log" || true; }
