#!/usr/bin/env bash
# Benchmark: the built-in checks over 100,000 generated resources across the
# record types, beside `conftest test` evaluating the same policies over the
# same input document in the same run. Reports wall time, peak memory and
# resource-checks per second, each as a ratio to conftest.
# Goals: >= 1,000,000 resource-checks/s, >= 3x faster than conftest, at most
# half its peak memory.
# Usage: bash bench/checks.sh [RESOURCES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-checkbench-XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/attest" ./cmd/attest
attest="$work/attest"
conftest=$(command -v conftest || true)
if [ -z "$conftest" ]; then
  GOBIN="${CONFTEST_BIN:-$HOME/.cache/attest-bench/bin}" go install github.com/open-policy-agent/conftest@latest
  conftest="${CONFTEST_BIN:-$HOME/.cache/attest-bench/bin}/conftest"
fi
go run ./bench/checkdata -n "$N" > "$work/input.json"
"$attest" check params > "$work/params.json"
mkdir "$work/policies"
cp check/library/*.rego "$work/policies/"
rm -f "$work/policies/"*_test.rego
checks=$(ls "$work/policies" | wc -l)
scoped=$("$attest" check run --input "$work/input.json" --no-record --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["resource_checks"])' || true)
# Resource-checks as the issue counts them: every resource against every check.
rc=$((N * checks))
echo "$checks checks, $N resources: $rc resource-checks ($scoped of them in the checks' scopes)" >&2
measure() {
  /usr/bin/time -f '%e %M' -o "$work/t" "$@" > /dev/null 2>&1 || true
  tail -1 "$work/t" # time writes "Command exited with non-zero status" first when a check fails
}
best() { sort -n | head -1; }
for i in $(seq "$ROUNDS"); do
  measure "$attest" check run --input "$work/input.json" --no-record >> "$work/attest.times"
  measure "$conftest" test "$work/input.json" -p "$work/policies" --all-namespaces --data "$work/params.json" -o json >> "$work/conftest.times"
done
read -r a_s a_m < <(sort -n "$work/attest.times" | head -1)
read -r c_s c_m < <(sort -n "$work/conftest.times" | head -1)
awk -v rc="$rc" -v a="$a_s" -v am="$a_m" -v c="$c_s" -v cm="$c_m" 'BEGIN {
  printf "| tool | wall (best of runs) | peak RSS | resource-checks/s |\n|---|---|---|---|\n";
  printf "| attest check run | %.2f s | %.0f MiB | %.0f |\n", a, am / 1024, rc / a;
  printf "| conftest test | %.2f s | %.0f MiB | %.0f |\n", c, cm / 1024, rc / c;
  printf "| ratio | **%.2fx faster** | **%.2f of conftest** | |\n", c / a, am / cm;
}'
