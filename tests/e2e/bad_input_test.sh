#!/usr/bin/env bash
# Bad input gets one clear line and the contract's exit code, nothing stored
# is changed, and hostile strings stay data.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller

step "authentication"
assert_eq "$(http_code "$MELTANODATA_URL/healthz")" 200 "healthz is open"
assert_eq "$(http_code "$MELTANODATA_URL/v1/instances")" 401 "no token"
assert_eq "$(http_code -H 'Authorization: Bearer wrong' "$MELTANODATA_URL/v1/instances")" 401 "wrong token"
rc=0
MELTANODATA_TOKEN=wrong md list >/dev/null 2>"$DATA/last.err" || rc=$?
[ "$rc" -ne 0 ] || fail "a wrong token was accepted"
assert_contains "$(cat "$DATA/last.err")" "token"

step "invalid input exits 2 with one line"
for sub in "-acme" "Acme" "a_b" "www" "admin" "xn--abc" "$(printf 'a%.0s' {1..64})" "acme;rm -rf /" "../etc"; do
  expect_exit 2 create --subdomain "$sub" --email a@example.com --name A
  assert_eq "$(wc -l <"$DATA/last.err")" 1 "one error line for '$sub'"
done
for email in "ann" "ann@" "ann@example" "a b@example.com" "x'; DROP DATABASE postgres;--@e.com"; do
  expect_exit 2 create --subdomain acme --email "$email" --name A
done
expect_exit 2 create --subdomain acme --email a@example.com --name "$(printf 'bad\nname')"
expect_exit 2 create --subdomain acme --email a@example.com --name A --version "../../bin"
expect_exit 2 create --subdomain acme --email a@example.com --name A --app "no such app"
expect_exit 3 create --subdomain acme --email a@example.com --name A --app nosuchapp

step "hostile but valid strings stay data"
md create --subdomain acme --email "o'neil+x@example.com" --name "Robert'); DROP TABLE instances;-- \"Bobby\" \$(reboot)" >/dev/null
assert_eq "$(jf "$(md show acme -o json)" .name)" "Robert'); DROP TABLE instances;-- \"Bobby\" \$(reboot)"
md flags set acme "WEIRD=a'b\"c;\$(id) \`x\`" >/dev/null
port=$(jf "$(md show acme -o json)" .port)
assert_eq "$(http_get "http://127.0.0.1:$port/flags" | jq -r .WEIRD)" "a'b\"c;\$(id) \`x\`" "flag value kept verbatim"

step "conflicts and unknowns"
expect_exit 4 create --subdomain acme --email a@example.com --name A
assert_contains "$(cat "$DATA/last.err")" "taken"
expect_exit 3 show nosuch
expect_exit 3 status nosuch
expect_exit 3 delete nosuch --yes
expect_exit 3 flags set nosuch A=1
expect_exit 3 ops show 999999
expect_exit 2 flags set acme "1BAD=x"
expect_exit 2 flags set acme "BAD-KEY=x"
expect_exit 2 flags set acme "NOEQUALS"
expect_exit 2 secrets set acme "A B=x"
expect_exit 2 upgrade acme --to "1.0 rm"
expect_exit 2 logs acme --lines -5
expect_exit 2 frobnicate

step "nothing stored was changed by the refusals"
assert_eq "$(md list -o json | jq length)" 1
assert_eq "$(jf "$(md show acme -o json)" .status)" running
assert_eq "$(md flags list acme -o json | jq -r .WEIRD)" "a'b\"c;\$(id) \`x\`"
echo "PASS bad_input"
