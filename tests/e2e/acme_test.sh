#!/usr/bin/env bash
# Trusted certificates end to end, against a real Knot (RFC 2136 with TSIG)
# and a real Pebble that resolves through that Knot: the wildcard of the
# domain by DNS-01, instances' A records, one wildcard order for any number
# of instances, a customer's own host name by HTTP-01 through Caddy, and the
# rate-limited path (a 429 from the CA: a local-CA stand-in at once, the
# trusted certificate after Retry-After).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SUPPORT=$(cd "$(dirname "$0")/../support" && pwd)
# Knot's and Pebble's files live outside $DATA: the second half of the test
# starts a controller on a fresh data dir while they keep running.
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

acme_cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for log in knotd.log pebble.log proxy.log; do
      [ -f "$FIX/$log" ] && { echo "--- $log (last 15 lines) ---" >&2; tail -n 15 "$FIX/$log" >&2; }
    done
  fi
  stop_pid "$PROXY_PID"
  stop_pid "$PEBBLE_PID"
  stop_pid "$KNOT_PID"
  rm -rf "$FIX"
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

# The controller's config for Knot and the ACME directory at $1.
acme_config() {
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
[acme]
directory_url = "$1"
ca_file = "$FIX/tls-cert.pem"
roots_file = "$FIX/pebble-root.pem"
email = "ops@example.test"
TOML
}

# Subdomains start with "ac": tenants' Unix users (md-SUB) are host-wide, and other e2e
# tests running at the same time create shop, blog...
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

step "knotd serves example.test and customer.test with a TSIG update key"
start_knot
assert_eq "$(dig1 www.customer.test A)" 127.0.0.1 "the customer's host in Knot"

HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
export HTTPS_PORT HTTP_PORT
step "pebble, resolving through Knot, HTTP-01 to port $HTTP_PORT"
start_pebble "$HTTP_PORT"
ROOT="$FIX/pebble-root.pem"
https_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" "$@" || true; }

step "the controller starts with [dns] rfc2136 and [acme] pointing at Pebble"
EXTRA_CONFIG=$(acme_config "https://127.0.0.1:$PEBBLE_PORT/dir")
export EXTRA_CONFIG
t0=$SECONDS
start_controller

step "the wildcard becomes trusted by DNS-01 through Knot"
wait_for 30 "a trusted wildcard in certs list" wildcard_trusted
echo "    trusted wildcard after $((SECONDS - t0)) s"
wc=$(wildcard_cert)
assert_eq "$(jf "$wc" .purpose)" wildcard "purpose"
assert_contains "$(jf "$wc" .issuer)" "Pebble" "issued by Pebble"
assert_eq "$(md certs list -o json | jq length)" 1 "one certificate in all"
assert_eq "$(dig1 _acme-challenge.example.test TXT)" "" "the challenge's TXT record removed afterwards"

step "an instance: its A record in Knot, HTTPS verified against Pebble's root"
md create --subdomain acshop --email a@acshop.example --name Shop --version 2.1.0 >/dev/null
assert_eq "$(dig1 acshop.example.test A)" 127.0.0.1 "A record of acshop"
out=$(curl -sS --max-time 5 -w ' %{http_code}' --cacert "$ROOT" --resolve "acshop.example.test:$HTTPS_PORT:127.0.0.1" \
  "https://acshop.example.test:$HTTPS_PORT/version") || fail "https to acshop not verified: $out"
assert_eq "$out" "2.1.0 200" "acshop over https"
status=$(md status acshop -o json)
assert_eq "$(jf "$status" .https.code)" 200 "status: https code"
assert_eq "$(jf "$status" .certificate.trusted)" true "status: certificate trusted"

step "three more instances: still one wildcard, one order, one serial for all"
for sub in acblog acwiki accrm; do md create --subdomain "$sub" --email "a@$sub.example" --name "$sub" >/dev/null; done
certs=$(md certs list -o json)
assert_eq "$(jq length <<<"$certs")" 1 "one certificate for four instances"
assert_eq "$(jq -r '.[0].names | join(",")' <<<"$certs")" "$WILDCARD" "the wildcard"
assert_eq "$(pebble_orders)" 1 "exactly one ACME order"
assert_eq "$(pebble_issued)" 1 "Pebble issued exactly one certificate"
serial=$(served_serial acshop.example.test)
assert_ne "$serial" "" "a serial for acshop"
for sub in acblog acwiki accrm; do
  assert_eq "$(served_serial "$sub.example.test")" "$serial" "$sub served by the same wildcard"
  assert_eq "$(dig1 "$sub.example.test" A)" 127.0.0.1 "A record of $sub"
  assert_eq "$(https_code --resolve "$sub.example.test:$HTTPS_PORT:127.0.0.1" "https://$sub.example.test:$HTTPS_PORT/version")" \
    200 "$sub over https"
done

step "delete acshop: its A record goes, https answers 404 for it"
md delete acshop --yes --no-backup >/dev/null
assert_eq "$(dig1 acshop.example.test A)" "" "A record of acshop removed"
assert_eq "$(https_code --resolve "acshop.example.test:$HTTPS_PORT:127.0.0.1" "https://acshop.example.test:$HTTPS_PORT/version")" \
  404 "deleted instance: 404 under the wildcard"
assert_eq "$(https_code --resolve "acblog.example.test:$HTTPS_PORT:127.0.0.1" "https://acblog.example.test:$HTTPS_PORT/version")" \
  200 "the others still served"

if md help 2>&1 | grep -q "domains add"; then
  step "a custom host under the domain is refused"
  expect_exit 2 domains add acblog www.example.test
  step "a customer's own host: trusted by HTTP-01 through Caddy"
  t1=$SECONDS
  md domains add acblog www.customer.test >/dev/null || fail "domains add: $(md domains add acblog www.customer.test 2>&1)"
  custom_trusted() {
    [ "$(md certs list -o json | jq -r '[.[] | select(.names == ["www.customer.test"])][0].trusted // false')" = true ]
  }
  wait_for 30 "a trusted certificate for www.customer.test" custom_trusted
  echo "    trusted custom host after $((SECONDS - t1)) s"
  c=$(md certs list -o json | jq -c '[.[] | select(.names == ["www.customer.test"])][0]')
  assert_eq "$(jf "$c" .purpose)" custom "purpose"
  assert_contains "$(jf "$c" .issuer)" "Pebble" "issued by Pebble"
  grep -q "www.customer.test" "$FIX/pebble.log" || fail "Pebble never saw the custom host"
  out=$(curl -sS --max-time 5 --cacert "$ROOT" --resolve "www.customer.test:$HTTPS_PORT:127.0.0.1" \
    "https://www.customer.test:$HTTPS_PORT/version") || fail "https to www.customer.test not verified"
  assert_eq "$out" 1.0.0 "acblog at the customer's host"
  assert_eq "$(pebble_issued)" 2 "two certificates issued in all"
else
  step "domains add is not in meltanodata help: custom host skipped"
fi

step "a second controller, fresh data dir, behind a CA that answers 429 (Retry-After: 3)"
for sub in acblog acwiki accrm; do md delete "$sub" --yes --no-backup >/dev/null; done
stop_controller
(cleanup) || true # the first controller, its Caddy, tenants and data dir
CTRL_PID=""
DATA=$(mktemp -d /tmp/md-e2e.XXXXXX)
chmod 0755 "$DATA"
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
start_fault_proxy 3
EXTRA_CONFIG=$(acme_config "https://127.0.0.1:$PROXY_PORT/dir")
issued_before=$(pebble_issued)
t2=$(date +%s)
start_controller
LOCAL_ROOT="$DATA/ca/local/root.pem"
rate_limited() { [ "$(wildcard_cert | jq -r '.last_error // ""')" != "" ]; }
wait_for 15 "the wildcard's order refused with 429" rate_limited
wc=$(wildcard_cert)
echo "    after the 429: $wc"
assert_eq "$(jf "$wc" .trusted)" false "a stand-in"
assert_contains "$(jf "$wc" .issuer)" "MeltanoData local CA" "the stand-in from the local CA"
assert_contains "$(jf "$wc" '.last_error | ascii_downcase')" "rate limit" "last_error names the rate limit"
next=$(jf "$wc" .next_order_at)
next_s=$(date -d "$next" +%s 2>/dev/null) || fail "next_order_at not a date: '$next'"
[ "$next_s" -ge $((t2 + 3)) ] || fail "next_order_at $next is before Retry-After"
# The controller waits at least a minute after a 429 whatever Retry-After says
# (cert_manager.cc); the bound catches a wait far beyond that.
[ "$next_s" -le $((t2 + 120)) ] || fail "next_order_at $next is far beyond Retry-After"
echo "    next_order_at is $((next_s - t2)) s after the start (Retry-After: 3 s)"

step "instances answer over https with the local CA's root meanwhile"
md create --subdomain acshop --email a@acshop.example --name Shop --version 2.1.0 >/dev/null
out=$(curl -sS --max-time 5 --cacert "$LOCAL_ROOT" --resolve "acshop.example.test:$HTTPS_PORT:127.0.0.1" \
  "https://acshop.example.test:$HTTPS_PORT/version") || fail "https to acshop with the local root"
assert_eq "$out" 2.1.0 "acshop over https (stand-in)"
assert_eq "$(jf "$(md status acshop -o json)" .certificate.trusted)" false "status: a stand-in"

step "the CA lets orders through: the trusted wildcard arrives after next_order_at"
touch "$FIX/ari.log.pass"
wait_for $((next_s - $(date +%s) + 30)) "a trusted wildcard after the rate limit" wildcard_trusted
arrived=$(date +%s)
echo "    trusted wildcard $((arrived - t2)) s after the start"
[ "$arrived" -ge "$next_s" ] || fail "ordered again before next_order_at ($next)"
wc=$(wildcard_cert)
assert_contains "$(jf "$wc" .issuer)" "Pebble" "issued by Pebble"
assert_eq "$(jf "$wc" '.last_error // ""')" "" "last_error cleared"
assert_eq "$(pebble_issued)" $((issued_before + 1)) "one more certificate from Pebble"
assert_eq "$(grep -c '"POST /order-plz HTTP/1.1" 429' "$FIX/proxy.log")" 1 "one refused order, no retries before next_order_at"
assert_eq "$(grep -c '"POST /order-plz HTTP/1.1" 201' "$FIX/proxy.log")" 1 "then one order that went through"
out=$(curl -sS --max-time 5 --cacert "$ROOT" --resolve "acshop.example.test:$HTTPS_PORT:127.0.0.1" \
  "https://acshop.example.test:$HTTPS_PORT/version") || fail "https to acshop with Pebble's root"
assert_eq "$out" 2.1.0 "acshop over https (trusted)"
assert_eq "$(jf "$(md status acshop -o json)" .certificate.trusted)" true "status: trusted"
echo "PASS acme"
