#!/usr/bin/env bash
# The .deb: CPack builds it from this build tree, `dpkg -i` installs it on
# this machine, and the installed program works: its man page renders, its
# bash completion loads, `meltanodata serve` (run directly: systemd is not
# PID 1 here) runs on a temporary data dir, the installed CLI creates and
# deletes an instance, `meltanodata halt` stops the tree; then `dpkg -r`
# removes it all.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$BIN")/.." && pwd)
PKG="$DATA/pkg"
remove_package() {
  local status=$?
  dpkg -r meltanodata >/dev/null 2>&1 || true
  (exit $status)
  cleanup
}
trap remove_package EXIT
! dpkg -s meltanodata >/dev/null 2>&1 || fail "a meltanodata package is installed already; this test would replace it"

step "cpack builds the .deb"
cmake --build "$BUILD" --target meltanodata meltanodata-demo reference >/dev/null  # what the package holds
(cd "$BUILD" && cpack -G DEB -B "$PKG" >/dev/null)
deb=$(ls "$PKG"/meltanodata_*.deb)
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/meltanodata ./usr/libexec/meltanodata/meltanodata-demo ./usr/libexec/meltanodata/run-serve \
  ./usr/share/man/man1/meltanodata.1.gz ./usr/share/bash-completion/completions/meltanodata \
  ./usr/lib/systemd/system/meltanodata.service; do
  assert_contains "$contents" "$f" "packed"
done
assert_contains "$(dpkg-deb -f "$deb" Depends)" "s6" "depends on what it runs"

step "dpkg -i installs it"
dpkg -i "$deb" >/dev/null
BIN=/usr/bin/meltanodata
assert_eq "$(command -v meltanodata)" /usr/bin/meltanodata "on PATH"
man -l /usr/share/man/man1/meltanodata.1.gz 2>/dev/null | grep -q "halt \[--data-dir DIR\]" || fail "man -l does not render the page"
bash -c 'source /usr/share/bash-completion/completions/meltanodata && complete -p meltanodata' >/dev/null ||
  fail "the completion does not load"
meltanodata create --help | grep -q "^examples:" || fail "no examples in --help"

step "the installed controller and CLI create and delete an instance"
start_controller
sub=$P-p
meltanodata create --subdomain "$sub" --email a@example.com --name A >/dev/null
assert_eq "$(app_get "$sub" /version)" "$(meltanodata show "$sub" -o json | jq -r .app_version)" "the packaged demo app serves"
meltanodata delete "$sub" --yes --no-backup >/dev/null
expect_exit 3 show "$sub"

step "the installed halt stops it all; dpkg -r removes the package"
meltanodata halt --data-dir "$DATA" >/dev/null
wait "$CTRL_PID" 2>/dev/null || true
CTRL_PID=""
dpkg -r meltanodata >/dev/null
[ ! -e /usr/bin/meltanodata ] || fail "/usr/bin/meltanodata left after dpkg -r"
[ ! -e /usr/libexec/meltanodata ] || fail "/usr/libexec/meltanodata left after dpkg -r"
echo "PASS"
