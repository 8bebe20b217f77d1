#!/usr/bin/env bash
# Benchmark: the fixed cost of starting attest, beside a bare `true`
# process. `attest version` does nothing but start; the read-only commands
# open the demo's data directory and answer from it. Each figure is the
# median of RUNS runs (default 21), the commands taking turns in every
# round; wall time is read with the shell's clock (to the microsecond, the
# same /usr/bin/time wrapper around every command; the fastest run is given
# too, as the machine is shared), CPU time (to 10 ms) and peak resident
# memory from /usr/bin/time -v.
# Usage: bash bench/startup.sh [ATTEST_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-21}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-startup-XXXXXX")
trap 'rm -rf "$work"' EXIT

attest=${1:-}
if [ -z "$attest" ]; then
  go build -o "$work/attest" ./cmd/attest
  attest="$work/attest"
fi
"$attest" demo --data "$work/demo" > /dev/null

names=("true" "attest version" "attest engagement show" "attest period status" "attest readiness" "attest verify")
# argv_of NAME: sets argv to the command line it names.
argv_of() {
  case "$1" in
    "true") argv=(true) ;; # /usr/bin/time runs the true program, not the shell's builtin
    "attest version") argv=("$attest" version) ;;
    "attest engagement show") argv=("$attest" engagement show --data "$work/demo") ;;
    "attest period status") argv=("$attest" period status --data "$work/demo") ;;
    "attest readiness") argv=("$attest" readiness --data "$work/demo") ;;
    "attest verify") argv=("$attest" verify --data "$work/demo") ;;
  esac
}

# measure NAME: prints "milliseconds cpu_ms max_rss_kib" for one run.
measure() {
  local start end
  argv_of "$1"
  start=$EPOCHREALTIME
  /usr/bin/time -v -o "$work/time.out" "${argv[@]}" > /dev/null 2> "$work/err.out" ||
    { echo "$1 failed:" >&2; cat "$work/err.out" >&2; exit 1; }
  end=$EPOCHREALTIME
  awk -v s="$start" -v e="$end" -F': ' '
    /User time/ {u = $2} /System time/ {y = $2} /Maximum resident/ {m = $2}
    END {printf "%.1f %.0f %d\n", (e - s) * 1000, (u + y) * 1000, m}' "$work/time.out"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A walls cpus mems
for r in $(seq "$RUNS"); do
  for n in "${names[@]}"; do
    read -r w c m < <(measure "$n")
    walls[$n]+="$w "; cpus[$n]+="$c "; mems[$n]+="$m "
  done
done

echo
echo "| command | median wall | fastest wall | median CPU (user+sys) | median peak RSS |"
echo "|---|---|---|---|---|"
for n in "${names[@]}"; do
  w=$(printf '%s\n' ${walls[$n]} | median)
  f=$(printf '%s\n' ${walls[$n]} | sort -g | head -1)
  c=$(printf '%s\n' ${cpus[$n]} | median)
  m=$(printf '%s\n' ${mems[$n]} | median)
  printf '| `%s` | %.1f ms | %.1f ms | %d ms | %.1f MiB |\n' "$n" "$w" "$f" "$c" "$(awk -v k="$m" 'BEGIN {print k / 1024}')"
done
