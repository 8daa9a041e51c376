#!/usr/bin/env bash
# The pool of PostgreSQL clusters: two clusters with capacities 1 and 2 hold
# three tenants and refuse a fourth until a delete makes room; draining and
# removing clusters.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

EMBEDDED_CAPACITY=1 start_controller
extra_url=$(start_extra_pg second)

step "the embedded cluster is listed like any other"
list=$(md clusters list -o json)
assert_eq "$(jq -r '.[0].name' <<<"$list")" local
assert_eq "$(jq -r '.[0].capacity' <<<"$list")" 1
assert_not_contains "$list" "postgresql://" "admin URL printed"

step "add a second cluster"
expect_exit 2 clusters add bad --url "not-a-url" --capacity 2
expect_exit 2 clusters add "Bad Name" --url "$extra_url" --capacity 2
md clusters add second --url "$extra_url" --capacity 2 >/dev/null
expect_exit 4 clusters add second --url "$extra_url" --capacity 2
assert_not_contains "$(md clusters list)" "${extra_url#*://postgres:}" "password printed"

step "three tenants fill both clusters"
for sub in "$P-t1" "$P-t2" "$P-t3"; do md create --subdomain "$sub" --email "$sub@example.com" --name "$sub" >/dev/null; done
list=$(md clusters list -o json)
assert_eq "$(jq '[.[] | .used] | add' <<<"$list")" 3 "used"
assert_eq "$(jq '[.[] | select(.full)] | length' <<<"$list")" 2 "both full"

step "a fourth is refused, naming clusters add"
expect_exit 4 create --subdomain "$P-t4" --email $P-t4@example.com --name "$P-t4"
assert_contains "$(cat "$DATA/last.err")" "clusters add"
expect_exit 3 show "$P-t4"

step "a delete makes room"
md delete "$P-t2" --yes >/dev/null
md create --subdomain "$P-t4" --email $P-t4@example.com --name "$P-t4" >/dev/null
assert_eq "$(jf "$(md show "$P-t4" -o json)" .status)" running

step "drain and remove"
second_count=$(md list -o json | jq '[.[] | select(.database.cluster=="second")] | length')
expect_exit 4 clusters remove second
md clusters drain second >/dev/null
assert_eq "$(md clusters list -o json | jq '.[] | select(.name=="second") | .draining')" true
for sub in $(md list -o json | jq -r '.[] | select(.database.cluster=="second") | .subdomain'); do
  md delete "$sub" --yes >/dev/null
done
[ "$second_count" -ge 1 ] || fail "nothing was placed on the second cluster"
expect_exit 4 create --subdomain "$P-t5" --email $P-t5@example.com --name "$P-t5"
md clusters remove second >/dev/null
expect_exit 3 clusters remove second
assert_eq "$(md clusters list -o json | jq length)" 1 "one cluster left"
echo "PASS clusters"
