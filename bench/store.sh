#!/usr/bin/env bash
# Benchmark: evidence records with their ledger entries appended one per
# transaction, on SQLite and on PostgreSQL, by one and two writers; bulk
# import of a 10,000-event population in one transaction (PostgreSQL: COPY);
# and the job queue (jobs claimed and completed per second, one and two
# workers); beside pgbench's simple-update transactions per second on the
# same server as the ceiling. Starts its own PostgreSQL (as .ci/run does).
# Usage: bash bench/store.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
# fsync on, as a production server runs (.ci/run turns it off for speed).
PG_FSYNC=on source .ci/postgres.sh
trap pg_stop EXIT
psql_url=$ATTEST_TEST_POSTGRES
pgbench=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
"$pgbench" -i -s 1 -q "$psql_url" >/dev/null 2>&1
for c in 1 2; do
  tps=$("$pgbench" -N -c $c -j $c -T "$secs" "$psql_url" 2>/dev/null | awk '/^tps/ {print $3; exit}')
  echo "pgbench simple-update, $c client(s): $tps tps"
done
go test -run '^$' -bench 'BenchmarkAppend|BenchmarkImportEvents|BenchmarkJobClaims' -benchtime "${secs}s" ./sqlite ./postgres | grep -E '^Benchmark|^ok'
