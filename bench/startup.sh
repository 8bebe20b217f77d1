#!/usr/bin/env bash
# Benchmark: the fixed cost of starting attest, beside a bare `true`
# process, in the same run. `attest version`, `attest --help` and
# `attest verify --help` do nothing but start; `attest controls list`
# answers from a new data directory (one SOC 2 engagement, no evidence);
# the last four open the demo's data directory and answer from it.
#
# Each figure is the median of RUNS runs (default 21), the commands taking
# turns in every round so that a busy moment of the machine falls on all of
# them alike. Wall time is read with the shell's clock around the same
# /usr/bin/time wrapper for every command (so `true`'s figure is the cost of
# that wrapper and of starting any process), and given as a ratio to
# `true`'s; CPU time (user + system, to 10 ms) and peak resident memory come
# from /usr/bin/time. The load average is printed before and after: on a
# shared machine, compare the rows of one run, not runs of different days.
#
# The binary measured is a copy whose pages have been dropped from the page
# cache, so that it is read back from disk as an installed binary is: a
# binary just written by the linker is mapped in larger pieces (up to about
# 11 MiB more resident memory for the same pages touched) until the kernel
# drops its cached pages.
# Usage: bash bench/startup.sh [ATTEST_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-21}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-startup-XXXXXX")
trap 'rm -rf "$work"' EXIT

src=${1:-}
if [ -z "$src" ]; then
  CGO_ENABLED=0 go build -o "$work/built" ./cmd/attest # as the README builds it
  src="$work/built"
fi
attest="$work/attest"
cp "$src" "$attest"
sync "$attest"
dd if="$attest" iflag=nocache count=0 status=none # drop its cached pages

"$attest" demo --data "$work/demo" > /dev/null
"$attest" init --data "$work/new" > /dev/null
"$attest" engagement create --kind "SOC 2" --type 2 --data "$work/new" > /dev/null

names=("true" "attest version" "attest --help" "attest verify --help" "attest controls list"
  "attest engagement show" "attest period status" "attest readiness" "attest verify")
# argv_of NAME: sets argv to the command line it names.
argv_of() {
  case "$1" in
    "true") argv=(true) ;; # /usr/bin/time runs the true program, not the shell's builtin
    "attest version") argv=("$attest" version) ;;
    "attest --help") argv=("$attest" --help) ;;
    "attest verify --help") argv=("$attest" verify --help) ;;
    "attest controls list") argv=("$attest" controls list --data "$work/new") ;;
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
  /usr/bin/time -f '%U %S %M' -o "$work/time.out" "${argv[@]}" > /dev/null 2> "$work/err.out" ||
    { echo "$1 failed:" >&2; cat "$work/err.out" >&2; exit 1; }
  end=$EPOCHREALTIME
  read -r u s m < "$work/time.out"
  awk -v s="$start" -v e="$end" -v u="$u" -v y="$s" -v m="$m" \
    'BEGIN {printf "%.1f %.0f %d\n", (e - s) * 1000, (u + y) * 1000, m}'
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $RUNS rounds"
declare -A walls cpus mems
for r in $(seq "$RUNS"); do
  for n in "${names[@]}"; do
    read -r w c m < <(measure "$n")
    walls[$n]+="$w "; cpus[$n]+="$c "; mems[$n]+="$m "
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "| command | median wall | fastest wall | wall / true's | median CPU (user+sys) | median peak RSS |"
echo "|---|---|---|---|---|---|"
base=$(printf '%s\n' ${walls[true]} | median)
for n in "${names[@]}"; do
  w=$(printf '%s\n' ${walls[$n]} | median)
  f=$(printf '%s\n' ${walls[$n]} | sort -g | head -1)
  c=$(printf '%s\n' ${cpus[$n]} | median)
  m=$(printf '%s\n' ${mems[$n]} | median)
  printf '| `%s` | %.1f ms | %.1f ms | %.1fx | %d ms | %.1f MiB |\n' "$n" "$w" "$f" \
    "$(awk -v w="$w" -v b="$base" 'BEGIN {print w / b}')" "$c" "$(awk -v k="$m" 'BEGIN {print k / 1024}')"
done
