#!/usr/bin/env bash
# The dashboard in a real browser (tests/dashboard/dashboard.mjs):
# playwright-core and axe-core from npm (installed once into a work dir of the
# build tree) drive Debian's chromium, headless, against a real controller.
# An operator account is made with the CLI, its password on stdin. Screenshots
# of every page go to $MELTANODATA_ARTIFACTS (default build/artifacts/dashboard).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SRC=${MELTANODATA_SOURCE_DIR:?set MELTANODATA_SOURCE_DIR to the source tree}
command -v npm >/dev/null && command -v node >/dev/null || fail "npm and node are needed (scripts/install-deps)"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is needed (scripts/install-deps)"
BUILD=$(cd "$(dirname "$BIN")/.." && pwd)
WORK="$BUILD/npm-dashboard"
SHOTS=${MELTANODATA_ARTIFACTS:-$BUILD/artifacts/dashboard}
mkdir -p "$WORK" "$SHOTS"
cp "$SRC/tests/dashboard/package.json" "$SRC/tests/dashboard/dashboard.mjs" "$WORK/"
if [ ! -d "$WORK/node_modules/playwright-core" ] || [ ! -d "$WORK/node_modules/axe-core" ]; then
  step "install playwright-core and axe-core from npm"
  (cd "$WORK" && npm install --no-audit --no-fund --silent)
fi

start_controller
prefix=$P  # lib.sh: this run's random prefix
op_name="${prefix}-op"
op_password="pw-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

step "operators add: the password from stdin, never argv"
printf '%s\n' "$op_password" | md operators add "$op_name" >/dev/null
assert_contains "$(md operators list)" "$op_name" "operators list"
expect_exit 4 operators add "$op_name" <<<"$op_password"
expect_exit 2 operators add "$op_name-short" <<<"short"
assert_not_contains "$(cat "$DATA/controller.log")" "$op_password" "the password is never logged"

step "the dashboard in chromium (screenshots: $SHOTS)"
DASH_URL=$MELTANODATA_URL DASH_TOKEN=$MELTANODATA_TOKEN DASH_OPERATOR=$op_name DASH_PASSWORD=$op_password \
  DASH_SUB="${prefix}-web" DASH_APP_SOCK="$(app_sock "${prefix}-web")" DASH_ARTIFACTS=$SHOTS \
  timeout 600 node "$WORK/dashboard.mjs" || fail "the browser test failed (screenshots in $SHOTS)"

step "sign-in failures are audited, without the password tried"
audit=$(md audit --limit 200 -o json)
assert_contains "$audit" "dashboard POST /ui/signin" "sign-in in the audit log"
assert_not_contains "$audit" "not the password" "no password in the audit log"
assert_not_contains "$(cat "$DATA/controller.log")" "$op_password" "the password is never logged"

step "operators remove"
md operators remove "$op_name" >/dev/null
assert_not_contains "$(md operators list)" "$op_name" "removed"
expect_exit 3 operators remove "$op_name"
echo "screenshots: $SHOTS"
echo "PASS dashboard"
