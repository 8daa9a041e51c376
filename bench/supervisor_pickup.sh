#!/usr/bin/env bash
# Pick-up latency of a new service: the time from renaming a complete service
# directory into the scan directory to its run script executing, for s6
# (s6-svscan, told with `s6-svscanctl -a`) and runit (runsvdir, which finds
# it on its own rescan). N services each, installed at random moments over
# WINDOW_MS so that they fall at random points of runsvdir's scan cycle.
# Needs the Debian packages s6 and runit; cleans up every process it started.
# Usage: bench/supervisor_pickup.sh            (N=20 WINDOW_MS=8000; < 1 min)
set -euo pipefail

N=${N:-20}
WINDOW_MS=${WINDOW_MS:-8000}
WAIT_S=${WAIT_S:-20}   # give up on a service after this long past the window

for tool in s6-svscan s6-svscanctl runsvdir sv bash; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y s6 runit)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/md-pickup-XXXXXX)
declare -A scanner_pid=()

# Kills whatever still runs from $work, then removes it.
cleanup() {
  set +e
  if [[ -n "${scanner_pid[s6]:-}" ]]; then s6-svscanctl -t "$work/s6/scan" 2>/dev/null; fi
  if [[ -n "${scanner_pid[runit]:-}" ]]; then
    sv -w 5 force-stop "$work"/runit/scan/* >/dev/null 2>&1
    kill -HUP "${scanner_pid[runit]}" 2>/dev/null
  fi
  sleep 0.5
  for p in /proc/[0-9]*; do
    cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
    cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
    if [[ "$cwd" == "$work"* || "$cmd" == *"$work"* ]]; then kill -KILL "${p#/proc/}" 2>/dev/null; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# measure KIND: prints the N latencies in ms, one a line, to $work/KIND.ms
measure() {
  local kind=$1 scan="$work/$1/scan" stage="$work/$1/stage" marks="$work/$1/marks"
  local installers=()
  mkdir -p "$scan" "$stage" "$marks"
  if [[ $kind == s6 ]]; then
    setsid s6-svscan "$scan" </dev/null >"$work/$kind.log" 2>&1 &
    scanner_pid[$kind]=$!
    until s6-svscanctl -a "$scan" 2>/dev/null; do sleep 0.01; done
  else
    setsid runsvdir "$scan" </dev/null >"$work/$kind.log" 2>&1 &
    scanner_pid[$kind]=$!
    sleep 1
  fi
  for i in $(seq 1 "$N"); do
    local dir="$stage/svc$i"
    mkdir -p "$dir"
    printf '#!/bin/bash\nprintf %%s "$EPOCHREALTIME" > %s/svc%d.t1\nexec sleep 1000\n' "$marks" "$i" >"$dir/run"
    chmod 0755 "$dir/run"
    (
      d=$((RANDOM * 32768 + RANDOM))
      d=$((d % WINDOW_MS))
      sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
      t0=$EPOCHREALTIME
      mv "$dir" "$scan/svc$i"
      if [[ $kind == s6 ]]; then s6-svscanctl -a "$scan"; fi
      printf %s "$t0" >"$marks/svc$i.t0"
    ) &
    installers+=($!)
  done
  local deadline=$((SECONDS + WINDOW_MS / 1000 + WAIT_S))
  while (($(ls "$marks" | grep -c '\.t1$') < N)) && ((SECONDS < deadline)); do sleep 0.1; done
  wait "${installers[@]}"
  : >"$work/$kind.ms"
  for i in $(seq 1 "$N"); do
    if [[ -s "$marks/svc$i.t1" ]]; then
      awk -v a="$(cat "$marks/svc$i.t0")" -v b="$(cat "$marks/svc$i.t1")" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }' >>"$work/$kind.ms"
    else
      echo "NA" >>"$work/$kind.ms"
    fi
  done
}

# report KIND: "KIND n=.. p50=.. p95=.. max=.. (ms)"
report() {
  local kind=$1
  sort -g "$work/$kind.ms" | awk -v kind="$kind" '
    $1 == "NA" { missed++; next }
    { v[n++] = $1 }
    END {
      if (n == 0) { printf "%-6s no service started\n", kind; exit }
      p50 = v[int(0.50 * (n - 1) + 0.5)]; p95 = v[int(0.95 * (n - 1) + 0.5)]
      printf "%-6s n=%d  p50=%8.1f ms  p95=%8.1f ms  min=%8.1f ms  max=%8.1f ms  not started=%d\n",
             kind, n, p50, p95, v[0], v[n - 1], missed + 0
    }'
}

measure s6
measure runit
echo "supervisor pick-up latency, $N services each, installed at random over ${WINDOW_MS} ms ($(nproc) CPUs)"
report s6
report runit
