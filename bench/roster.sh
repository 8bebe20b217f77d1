#!/usr/bin/env bash
# Benchmark: the roster page (GET /program/people) and the checklist page
# (GET /program/checklists) as an administrator reads them, with 10,000
# people hired in the last month imported with `attest people import`
# (six onboarding items each) and 20 published policies
# (bench/portaldata). Each page is fetched ROUNDS times (default 5) with
# curl; the best and the median are printed. With binaries given, each is
# measured on its own copy of the same data directory, in turn, in the
# same run (to compare a change with the commit before it). PAGES names
# other pages to fetch instead (e.g. PAGES="/program /program/training");
# DONE=90 marks 90% of the items done on time first (needs sqlite3).
# Usage: bash bench/roster.sh [ATTEST-BINARY...]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-rosterbench-XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  go build -o "$work/attest" ./cmd/attest
  bins=("$work/attest")
fi
"${bins[0]}" init --data "$work/data" > /dev/null
go run ./bench/portaldata "$work/data" 0 20 > /dev/null
echo "harbor-bench-password" | "${bins[0]}" user add --data "$work/data" --email admin@example.com --name Admin --role admin --password-stdin > /dev/null
month_ago=$(date -u -d '30 days ago' +%F)
python3 - "$work/roster.csv" <<'PY'
import sys, datetime
start = datetime.date.today() - datetime.timedelta(days=28)
with open(sys.argv[1], "w") as f:
    f.write("email,name,start,department\n")
    for i in range(10000):
        day = start + datetime.timedelta(days=i % 27)
        f.write(f"person{i}@example.com,Person {i},{day},{['Engineering', 'Sales', 'Support'][i % 3]}\n")
PY
"${bins[0]}" people import --data "$work/data" --since "$month_ago" "$work/roster.csv" > /dev/null
if [ -n "${DONE:-}" ]; then
  case $DONE in *[!0-9]*) echo "DONE is a percentage (0 to 100)"; exit 2;; esac
  # A model of an older roster, most of whose items were done on time:
  # DONE percent of the items marked done on their due day by SQL (the
  # ledger no longer matches those rows, which the pages do not read).
  sqlite3 "$work/data/attest.db" "UPDATE checklist_items SET done_on = due, done_by = 1 WHERE id % 100 < $DONE"
fi
echo "10,000 people (${DONE:-0}% of their items done on time), 20 policies, on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)); $rounds rounds per page"
for bin in "${bins[@]}"; do
  rm -rf "$work/run"; cp -r "$work/data" "$work/run"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" serve --data "$work/run" --addr "127.0.0.1:$port" 2> "$work/server.log" &
  pid=$!
  for i in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  cookie=$(curl -s -o /dev/null -D - --data-urlencode email=admin@example.com --data-urlencode password=harbor-bench-password \
    "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(attest_session=[^;]*\).*/\1/p')
  [ -n "$cookie" ] || { echo "could not sign in"; exit 1; }
  for path in ${PAGES:-/program/people /program/checklists}; do
    times=()
    for r in $(seq "$rounds"); do
      t=$(curl -s -o "$work/page" -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
      [ "${t%% *}" = 200 ] || { echo "GET $path answered ${t%% *}"; exit 1; }
      times+=("${t#* }")
    done
    case $path in /program/people|/program/checklists|/program/training)
      grep -qi 'person *[0-9]' "$work/page" && grep -q ' of [0-9]' "$work/page" || { echo "$path did not list the roster a page at a time"; exit 1; };;
    esac
    printf '%-36s %-22s best %6.2f s   median %6.2f s   %s bytes\n' "$(basename "$bin")" "$path" \
      "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")" "$(wc -c < "$work/page")"
  done
  kill $pid; wait $pid 2>/dev/null || true; pid=""
done
