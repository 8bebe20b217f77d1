#!/usr/bin/env bash
# Benchmark: ingest 1 GiB of evidence (1,000 files of 1 MiB) and verify it,
# beside the reference tools over the same files:
#   sha256sum            what a user would run to hash the files
#   openssl dgst -sha256 hashing at the hardware's speed
#   cp + sync            writing the bytes durably at the disk's speed
# Each figure is the median of RUNS runs (default 3); peak memory is the
# largest resident set seen. Usage: bash bench/evidence.sh [FILES] [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-1000}
SIZE=${2:-1}
RUNS=${RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

go build -o "$work/attest" ./cmd/attest
attest="$work/attest"
mkdir -p "$work/files"
echo "generating $FILES files of $SIZE MiB..." >&2
for i in $(seq -w 1 "$FILES"); do
  head -c $((SIZE << 20)) /dev/urandom > "$work/files/f$i.bin"
done
cat "$work/files"/* > /dev/null   # every tool reads from the page cache

# measure NAME CMD...: prints "seconds max_rss_kib" for one run.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" > /dev/null 2> "$work/err.out" || { cat "$work/err.out" >&2; exit 1; }
  cat "$work/time.out"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The tools take turns in every round, so a slow moment of the disk falls
# on all of them alike.
names=(sha256sum openssl cp+sync "attest evidence add" "attest verify")
declare -A times mems secs mem
once() {
  case "$1" in
    sha256sum) measure sh -c "sha256sum '$work'/files/* > /dev/null" ;;
    openssl) measure sh -c "openssl dgst -sha256 '$work'/files/* > /dev/null" ;;
    cp+sync)
      rm -rf "$work/copy"; mkdir "$work/copy"; sync
      measure sh -c "cp '$work'/files/* '$work/copy/' && sync" ;;
    "attest evidence add")
      rm -rf "$work/data" "$work/copy"; sync
      "$attest" init --data "$work/data" > /dev/null
      "$attest" engagement create --data "$work/data" --kind "SOC 2" --type 2 --period 2026-01-01..2026-12-31 > /dev/null
      measure "$attest" evidence add --data "$work/data" --control AC-06 --dir "$work/files" --date 2026-03-31 ;;
    "attest verify") measure "$attest" verify --data "$work/data" ;;
  esac
}
for r in $(seq "$RUNS"); do
  for n in "${names[@]}"; do
    read -r t m < <(once "$n")
    times[$n]+="$t "; mems[$n]+="$m "
    printf 'round %d  %-22s %7.2f s  %8d KiB\n' "$r" "$n" "$t" "$m" >&2
  done
done
for n in "${names[@]}"; do
  secs[$n]=$(printf '%s\n' ${times[$n]} | median)
  mem[$n]=$(printf '%s\n' ${mems[$n]} | sort -n | tail -1)
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cat <<OUT

| what | median s | peak RSS | ratio |
|---|---|---|---|
| sha256sum | ${secs[sha256sum]} | ${mem[sha256sum]} KiB | |
| openssl dgst -sha256 | ${secs[openssl]} | ${mem[openssl]} KiB | |
| cp + sync | ${secs[cp+sync]} | ${mem[cp+sync]} KiB | |
| attest evidence add (hash, write, sync, record, ledger) | ${secs[attest evidence add]} | ${mem[attest evidence add]} KiB | $(ratio "${secs[attest evidence add]}" "${secs[sha256sum]}")x sha256sum, $(ratio "${secs[attest evidence add]}" "${secs[cp+sync]}")x cp + sync |
| attest verify | ${secs[attest verify]} | ${mem[attest verify]} KiB | $(ratio "${secs[attest verify]}" "${secs[openssl]}")x openssl |
OUT
