#!/usr/bin/env bash
# Scale to zero against real s6, Caddy and the demo app, with idle_after_s = 2:
# an instance nobody asks for is stopped and shown `idle`; its next request
# through the front door waits while it starts and is answered (ten at once,
# none refused); the waker does it with the controller down too; an instance
# an operator stopped answers 503 and is never started; and a delete takes
# its place at the waker away.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

EXTRA_CONFIG="idle_after_s = 2" start_controller
HP=$(awk -F' = ' '$1 == "https_port" {print $2}' "$DATA/config.toml")
ROOT="$DATA/ca/local/root.pem"
url() { echo "https://$P-a.localhost:$HP$1"; }
https_code() { curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 --cacert "$ROOT" "$@" || true; }
status_of() { jf "$(md show "$P-a" -o json)" .status; }
app_up() { jf "$(md status "$P-a" -o json)" .up; }
wait_idle() {
  for _ in $(seq 1 100); do [ "$(status_of)" = idle ] && return 0; sleep 0.2; done
  fail "$P-a was not idle 20 s after its last request (status $(status_of))"
}

step "a new instance answers through the waker"
md create --subdomain "$P-a" --email a@$P-a.example --name A >/dev/null
assert_eq "$(https_code "$(url /version)")" 200 "served"
assert_eq "$(stat -c '%U:%G %a' "$DATA/front/$P-a")" "root:meltanodata-proxy 750" \
  "the waker's socket folder: root's, entered by the proxy's group"

step "two seconds without a request: idle, its app stopped"
wait_idle
assert_eq "$(app_up)" false "its process is gone"
assert_contains "$(md status "$P-a" -o json)" "asleep" "status says so, and does not wake it"
assert_eq "$(status_of)" idle "still idle after status"

step "its next request waits for it to start and is answered"
assert_eq "$(https_code "$(url /version)")" 200 "the waking request"
assert_eq "$(status_of)" running
assert_eq "$(app_up)" true

step "ten requests at once to an idle app: all answered"
wait_idle
codes=$(for _ in $(seq 1 10); do https_code "$(url /version)" & done; wait)
assert_eq "$(echo $codes | tr ' ' '\n' | sort | uniq -c | awk '{print $1 "x" $2}')" "10x200" "no request refused"

step "with the controller down, the waker still puts it to sleep and wakes it"
kill_controller
for _ in $(seq 1 100); do [ -e "$DATA/wake/asleep/$P-a" ] && break; sleep 0.2; done
[ -e "$DATA/wake/asleep/$P-a" ] || fail "not asleep without the controller"
assert_eq "$(https_code "$(url /version)")" 200 "woken without the controller"
restart_controller_same_port

step "an instance an operator stopped answers 503 and is never started"
md stop "$P-a" >/dev/null
assert_eq "$(status_of)" stopped
body=$(curl -s --max-time 10 --cacert "$ROOT" "$(url /version)")
assert_contains "$body" "This app is stopped" "the waker's page"
assert_eq "$(https_code "$(url /version)")" 503
sleep 3
assert_eq "$(status_of)" stopped "not woken, not idle"
assert_eq "$(app_up)" false
md start "$P-a" >/dev/null
assert_eq "$(https_code "$(url /version)")" 200 "started again"

step "a delete takes its place at the waker away"
md delete "$P-a" --yes >/dev/null
[ ! -e "$DATA/wake/tenants/$P-a" ] || fail "its wake entry is left"
[ ! -e "$DATA/front/$P-a" ] || fail "its socket folder is left"
assert_eq "$(https_code "$(url /version)")" 000 "no certificate, no route: gone"

stop_controller
echo "PASS scale_to_zero"
