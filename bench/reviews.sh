#!/usr/bin/env bash
# Benchmark: an access review of 100,000 generated accounts across 5
# systems (one campaign of 20,000 per system) on SQLite: start (with a
# roster), assign (by manager, the system owner for the rest) and the
# status page's read, each for all five campaigns, then attest verify's
# replay of the ledger against the database. Wall and CPU seconds
# are reported: on a shared machine the CPU figure says what the work
# costs, the wall figure also counts waiting for a core.
# Usage: bash bench/reviews.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./accessreview -run '^$' -bench 'Review100k$' -benchtime "${1:-3}x" -count 1
# PostgreSQL too when a server is named (bash .ci/postgres.sh starts one):
if [ -n "${ATTEST_TEST_POSTGRES:-}" ]; then
  go test ./accessreview -run '^$' -bench 'Review100kPostgres' -benchtime "${1:-3}x" -count 1
fi
