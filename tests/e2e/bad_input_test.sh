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
  expect_exit 2 create --subdomain "$P-acme" --email "$email" --name A
done
expect_exit 2 create --subdomain "$P-acme" --email a@example.com --name "$(printf 'bad\nname')"
expect_exit 2 create --subdomain "$P-acme" --email a@example.com --name A --version "../../bin"
expect_exit 2 create --subdomain "$P-acme" --email a@example.com --name A --app "no such app"
expect_exit 3 create --subdomain "$P-acme" --email a@example.com --name A --app nosuchapp

step "hostile but valid strings stay data"
md create --subdomain "$P-acme" --email "o'neil+x@example.com" --name "Robert'); DROP TABLE instances;-- \"Bobby\" \$(reboot)" >/dev/null
assert_eq "$(jf "$(md show "$P-acme" -o json)" .name)" "Robert'); DROP TABLE instances;-- \"Bobby\" \$(reboot)"
md flags set "$P-acme" "MELTANO_WEIRD=a'b\"c;\$(id) \`x\`" >/dev/null
app=$(jf "$(md show "$P-acme" -o json)" .subdomain)
assert_eq "$(app_get "$app" "/flags" | jq -r .MELTANO_WEIRD)" "a'b\"c;\$(id) \`x\`" "flag value kept verbatim"

step "conflicts and unknowns"
expect_exit 4 create --subdomain "$P-acme" --email a@example.com --name A
assert_contains "$(cat "$DATA/last.err")" "taken"
expect_exit 3 show nosuch
expect_exit 3 status nosuch
expect_exit 3 delete nosuch --yes
expect_exit 3 flags set nosuch A=1
expect_exit 3 ops show 999999
expect_exit 2 flags set "$P-acme" "1BAD=x"
expect_exit 2 flags set "$P-acme" "BAD-KEY=x"
expect_exit 2 flags set "$P-acme" "NOEQUALS"
expect_exit 2 secrets set "$P-acme" "A B=x"
expect_exit 2 upgrade "$P-acme" --to "1.0 rm"
expect_exit 2 logs "$P-acme" --lines -5
expect_exit 2 frobnicate

step "flags and secrets cannot shadow what the platform sets, nor each other"
# API: PATCH PATH BODY, prints the HTTP status; the answer is in $DATA/api.out.
api() {
  curl -s -o "$DATA/api.out" -w '%{http_code}' --max-time 5 -X "$1" -H "Authorization: Bearer $MELTANODATA_TOKEN" \
    -H 'Content-Type: application/json' --data-binary "$3" "$MELTANODATA_URL$2" || true
}
expect_exit 2 flags set "$P-acme" API_MODE=1
assert_contains "$(cat "$DATA/last.err")" "MELTANO_*" "the accepted pattern is named"
assert_eq "$(wc -l <"$DATA/last.err")" 1 "one error line"
for name in PATH HOME USER SHELL IFS BASH_ENV LD_PRELOAD LD_LIBRARY_PATH PYTHONPATH PYTHONSTARTUP MELTANODATA_TOKEN \
  SOCKET MELTANO_PROJECT_ROOT DATABASE_URL ADMIN_PASSWORD; do
  expect_exit 2 flags set "$P-acme" "$name=/tmp/evil"
  printf '/tmp/evil\n' | expect_exit 2 secrets set "$P-acme" "$name"
  assert_eq "$(wc -l <"$DATA/last.err")" 1 "one error line for secret $name"
  assert_contains "$(cat "$DATA/last.err")" "$name"
  assert_eq "$(api PATCH /v1/instances/$P-acme/secrets "{\"set\":{\"$name\":\"/tmp/evil\"}}")" 400 "API refuses secret $name"
done
md flags set "$P-acme" MELTANO_SHARED=1 >/dev/null
printf 's3cr3t-shared\n' | expect_exit 4 secrets set "$P-acme" MELTANO_SHARED
assert_not_contains "$(cat "$DATA/last.err")" "s3cr3t-shared"
md flags unset "$P-acme" MELTANO_SHARED >/dev/null
printf 's3cr3t-shared\n' | md secrets set "$P-acme" MELTANO_SHARED >/dev/null
expect_exit 4 flags set "$P-acme" MELTANO_SHARED=1
assert_eq "$(md secrets list "$P-acme" -o json | jq -c 'sort')" '["ADMIN_PASSWORD","DATABASE_URL","MELTANO_SHARED"]' \
  "secret names"
assert_eq "$(cat "$DATA/secrets/$P-acme/MELTANO_SHARED")" "s3cr3t-shared" "value read from stdin"
for f in PATH LD_PRELOAD PYTHONPATH; do [ ! -e "$DATA/secrets/$P-acme/$f" ] || fail "secret file $f written"; done

step "a JSON object with a key twice is refused, at any depth"
assert_eq "$(api PATCH /v1/instances/$P-acme/flags '{"set":{"MELTANO_DUP":"1","MELTANO_DUP":"2"}}')" 400
assert_contains "$(cat "$DATA/api.out")" "duplicate key 'MELTANO_DUP'"
assert_eq "$(api PATCH /v1/instances/$P-acme/flags '{"set":{"MELTANO_DUP":"1"},"set":{"PATH":"/tmp"}}')" 400
assert_contains "$(cat "$DATA/api.out")" "duplicate key 'set'"
assert_eq "$(api POST /v1/instances "{\"subdomain\":\"$P-dupco\",\"email\":\"a@example.com\",\"name\":\"A\",\"subdomain\":\"$P-acme\"}")" 400
assert_eq "$(md flags list "$P-acme" -o json | jq 'has("MELTANO_DUP")')" false "nothing stored"

step "domains add refuses IP literals"
for ip in 127.0.0.1 127.1 0x7f.1 0x7f.0.0.1 2130706433 10.0.0.0x ::1 "[::1]" 2001:db8::1 "[2001:db8::1]"; do
  expect_exit 2 domains add "$P-acme" "$ip"
  assert_eq "$(wc -l <"$DATA/last.err")" 1 "one error line for '$ip'"
  assert_contains "$(cat "$DATA/last.err")" "IP address"
  assert_eq "$(api POST /v1/instances/$P-acme/domains "{\"host\":\"$ip\"}")" 400 "API refuses '$ip'"
done
assert_eq "$(md domains list "$P-acme" -o json | jq length)" 0 "no custom domain added"

step "nothing stored was changed by the refusals"
assert_eq "$(md list -o json | jq length)" 1
assert_eq "$(jf "$(md show "$P-acme" -o json)" .status)" running
assert_eq "$(md flags list "$P-acme" -o json | jq -r .MELTANO_WEIRD)" "a'b\"c;\$(id) \`x\`"
echo "PASS bad_input"
