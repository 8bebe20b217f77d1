#!/usr/bin/env bash
# Benchmark: draft a SOC 2 Type 2 report with all five categories, 150
# controls, a test result for every control and 60 exceptions, to HTML
# and to PDF (headless Chromium, two passes for the contents' page
# numbers). Goals: HTML under 1 s, PDF under 15 s on this machine.
# Then the whole command on the demo data (1,000+ evidence items):
# attest report build --format html and --format pdf.
# Usage: bash bench/report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run='^$' -bench='^Benchmark(HTML|PDF)$' -benchtime=5x ./report | grep -E '^Benchmark'
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-reportbench-XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/attest" ./cmd/attest
"$work/attest" demo --data "$work/demo" > /dev/null
for f in html pdf; do
  /usr/bin/time -f "attest report build --format $f (demo data): %e s, peak %M KB" \
    "$work/attest" report build --data "$work/demo" --format "$f" --out "$work/out" > /dev/null
done
