#!/usr/bin/env bash
# An operation interrupted by a controller crash resumes when the controller
# starts again, and ends with exactly the resources of a clean run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MELTANODATA_FAULT=crash-after:start_service start_controller
step "the controller dies right after start_service"
md create --subdomain "$P-acme" --email ann@example.com --name Ann --no-wait >/dev/null || true
for _ in $(seq 1 300); do kill -0 "$CTRL_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$CTRL_PID" 2>/dev/null; then fail "fault injection did not crash the controller"; fi
wait "$CTRL_PID" 2>/dev/null || true
CTRL_PID=""

step "restarted, it finishes the create"
MELTANODATA_FAULT="" restart_controller_same_port
for _ in $(seq 1 300); do
  state=$(md ops list -o json | jq -r '.[] | select(.kind=="create") | .state')
  [ "$state" = succeeded ] || [ "$state" = failed ] && break
  sleep 0.1
done
assert_eq "$state" succeeded "create after resume"
op=$(md ops list -o json | jq -r '.[] | select(.kind=="create") | .id')
assert_eq "$(md ops show "$op" -o json | jq '[.steps[] | select(.name=="start_service") | .attempts] | .[0]')" 1 \
  "start_service not redone"
assert_eq "$(jf "$(md show "$P-acme" -o json)" .status)" running
app=$(jf "$(md show "$P-acme" -o json)" .subdomain)
assert_eq "$(app_code "$app" "/healthz")" 200 "serving"
assert_eq "$(pgrep -c -f "$DATA/tenants/$P-acme/app/current/bin" || true)" 1 "exactly one app process"
assert_eq "$(md doctor -o json | jq length)" 0 "no orphan or drift"
echo "PASS resume"
