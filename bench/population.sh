#!/usr/bin/env bash
# Benchmark: import a 10,000,000-row population CSV (about 1 GB) and draw a
# sample from it, beside sha256sum of the same file in the same run.
# Goal: within 2x of sha256sum; peak memory under 64 MiB whatever the rows.
# Usage: bash bench/population.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-10000000}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-popbench-XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/attest" ./cmd/attest
attest="$work/attest"
echo "generating $ROWS rows..." >&2
awk -v n="$ROWS" 'BEGIN {
  print "change_id,merged_at,author,title";
  for (i = 1; i <= n; i++)
    printf "CHG-%09d,2026-%02d-%02d,engineer-%04d@example.com,Change %d to the payroll service\n", i, 1 + i % 12, 1 + i % 28, i % 5000, i
}' > "$work/pop.csv"
ls -l "$work/pop.csv" | awk '{printf "population file: %.2f GB\n", $5 / 1e9}' >&2
cat "$work/pop.csv" > /dev/null
"$attest" init --data "$work/data" > /dev/null
"$attest" engagement create --data "$work/data" --kind "SOC 2" --type 2 --period 2026-01-01..2026-12-31 > /dev/null
"$attest" engagement auditor add Auditor --data "$work/data" > /dev/null
measure() {
  /usr/bin/time -f '%e %M' -o "$work/t" "$@" > /dev/null
  cat "$work/t"
}
read -r sha_s sha_m < <(measure sha256sum "$work/pop.csv")
read -r imp_s imp_m < <(measure "$attest" population import --data "$work/data" --control CHG-02 --file "$work/pop.csv" --key change_id --date merged_at --source bench --query all --extracted-by bench --extracted-at 2026-10-01)
read -r draw_s draw_m < <(measure "$attest" sample draw --data "$work/data" --control CHG-02 --seed bench --as Auditor --stratify month)
awk -v a="$sha_s" -v am="$sha_m" -v b="$imp_s" -v bm="$imp_m" -v c="$draw_s" -v cm="$draw_m" 'BEGIN {
  printf "| what | seconds | peak RSS | ratio |\n|---|---|---|---|\n";
  printf "| sha256sum | %.2f | %.1f MiB | |\n", a, am / 1024;
  printf "| attest population import | %.2f | %.1f MiB | %.2fx sha256sum |\n", b, bm / 1024, b / a;
  printf "| attest sample draw (40, by month) | %.2f | %.1f MiB | %.2fx sha256sum |\n", c, cm / 1024, c / a;
  printf "| import + draw | %.2f | | **%.2fx sha256sum** |\n", b + c, (b + c) / a;
}'
