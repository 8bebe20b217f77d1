#!/usr/bin/env bash
# Benchmark: acknowledgement status for 10,000 people × 20 policies on
# SQLite (issue 18: under 1 s), through ack.Load (the store's reads and the
# computation), with about 250,000 acknowledgements recorded. Prints wall
# time per status and the CPU time it took (user and system), which is
# what to read when the machine is shared.
# Usage: bash bench/acks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench BenchmarkStatus -benchtime "${COUNT:-5}x" ./ack | grep -E '^Benchmark'
