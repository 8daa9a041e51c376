#!/usr/bin/env bash
# GET /metrics of a running controller: refused without the admin token,
# valid Prometheus text (promtool check metrics) with it, and it counts what
# was done: an instance running, its create and backup operations, their
# steps' durations, the backup's size, the cluster's use and the tenant's
# cgroup usage.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
sub=$P-m
md create --subdomain "$sub" --email a@example.com --name A >/dev/null
md backup "$sub" >/dev/null

step "refused without the token"
assert_eq "$(http_code "$MELTANODATA_URL/metrics")" 401 "anonymous scrape"

step "promtool accepts the page"
curl -sS --max-time 10 -H "Authorization: Bearer $MELTANODATA_TOKEN" "$MELTANODATA_URL/metrics" >"$DATA/metrics.txt"
promtool check metrics <"$DATA/metrics.txt" || fail "promtool check metrics: $(promtool check metrics <"$DATA/metrics.txt" 2>&1)"
page=$(cat "$DATA/metrics.txt")

step "it counts what was done"
assert_contains "$page" 'meltanodata_instances{status="running"} 1'
assert_contains "$page" 'meltanodata_operations_total{kind="create",result="succeeded"} 1'
assert_contains "$page" 'meltanodata_operations_total{kind="backup",result="succeeded"} 1'
assert_contains "$page" 'meltanodata_step_duration_seconds_count{step="wait_healthy"}'
assert_contains "$page" 'meltanodata_cluster_used{cluster="local"} 1'
size=$(md backups list "$sub" -o json | jq -r '.[0].size_bytes')
assert_contains "$page" "meltanodata_backup_last_size_bytes{subdomain=\"$sub\"} $size"
assert_contains "$page" "meltanodata_backup_last_timestamp_seconds{subdomain=\"$sub\"}"
memory=$(grep "^meltanodata_tenant_memory_bytes{subdomain=\"$sub\"}" "$DATA/metrics.txt" | awk '{print $2}')
[ -n "$memory" ] && [ "$memory" -gt 0 ] || fail "tenant memory not reported: '$memory'"
assert_contains "$page" "meltanodata_tenant_pids_limit{subdomain=\"$sub\"}"
assert_contains "$page" "meltanodata_certificate_expiry_timestamp_seconds{"
echo "PASS"
