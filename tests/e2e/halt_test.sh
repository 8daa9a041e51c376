#!/usr/bin/env bash
# `meltanodata halt` stops everything of a data dir — the controller, the
# tenants, PostgreSQL, Caddy, sshd, vsftpd, their loggers and s6-svscan —
# and `serve` brings it all back: the instance answers again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Processes of this data dir: named in their arguments, working in it, or
# running as one of its tenants. One ps and one find, not commands for each
# process: tests run side by side, so the host has many.
processes_of_data_dir() {
  local pid stat user args
  while read -r pid stat user args; do
    [[ "$stat" == Z* ]] && continue
    if [[ "$args" == *"$DATA"* || "$user" == "md-$sub" ]]; then echo "$pid: $args"; fi
  done < <(ps -eo pid=,stat=,user:40=,args=)
  for pid in $(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$DATA*" 2>/dev/null | cut -d/ -f3); do
    echo "$pid: $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"
  done
}

start_controller
sub=$P-h
md create --subdomain "$sub" --email a@example.com --name A >/dev/null
assert_eq "$(app_code "$sub" /healthz)" 200 "serving before"
[ -n "$(processes_of_data_dir)" ] || fail "the test cannot see the data dir's processes"

step "halt stops the controller and the whole supervised tree"
out=$(md halt --data-dir "$DATA")
assert_contains "$out" "stopped the controller"
assert_contains "$out" "stopped every service"
wait "$CTRL_PID" 2>/dev/null || true
CTRL_PID=""
left=$(processes_of_data_dir)
assert_eq "$left" "" "processes of the data dir left after halt"
assert_eq "$(md halt --data-dir "$DATA")" "halted $DATA; \`meltanodata serve\` starts it all again" "a second halt has nothing to do"

step "serve brings it all back"
restart_controller_same_port
for _ in $(seq 1 100); do [ "$(app_code "$sub" /healthz)" = 200 ] && break; sleep 0.1; done
assert_eq "$(app_code "$sub" /healthz)" 200 "serving again"
assert_eq "$(md show "$sub" -o json | jq -r .status)" running
echo "PASS"
