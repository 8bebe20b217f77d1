#!/usr/bin/env bash
# Benchmark: the employee portal's page under load, with wrk (Debian
# package "wrk") on loopback: a data directory with PEOPLE people (default
# 1,000) and POLICIES published policies (default 20) asked of everyone
# (bench/portaldata), one person signed in through an e-mailed link (read
# from the server's log: no mail server is configured), then GET /portal
# with that session, 100 concurrent connections for 30 seconds (set
# DURATION to change). Goal (issue 18): no errors, p99 under 50 ms.
# Usage: bash bench/portal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
duration=${DURATION:-30s}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-portalbench-XXXXXX")
go build -o "$work/attest" ./cmd/attest
"$work/attest" init --data "$work/data" > /dev/null
go run ./bench/portaldata "$work/data" "${PEOPLE:-1000}" "${POLICIES:-20}"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/attest" serve --data "$work/data" --addr "127.0.0.1:$port" 2> "$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for i in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
curl -fs -o /dev/null --data-urlencode email=person7@example.com "http://127.0.0.1:$port/portal/link"
link=""
for i in $(seq 50); do
  link=$(grep -o '/portal/login/[A-Za-z0-9_-]*' "$work/server.log" | tail -1 || true)
  [ -n "$link" ] && break; sleep 0.1
done
[ -n "$link" ] || { echo "no sign-in link in the server's log"; exit 1; }
cookie=$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$port$link" | sed -n 's/^[Ss]et-[Cc]ookie: \(attest_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "could not sign in with the link"; exit 1; }
page=$(curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/portal")
grep -q "Policies to read and acknowledge" <<<"$page" || { echo "the portal did not answer"; exit 1; }
echo "wrk -t2 -c100 -d$duration on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg)), server and wrk on the same machine, after a 5 s warm-up"
wrk -t2 -c100 -d5s -H "Accept-Encoding: gzip" -H "Cookie: $cookie" "http://127.0.0.1:$port/portal" >/dev/null
out=$(wrk -t2 -c100 -d"$duration" --latency -H "Accept-Encoding: gzip" -H "Cookie: $cookie" "http://127.0.0.1:$port/portal")
errors=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' <<<"$out")
non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
printf 'portal (/portal)   %10s req/s   p50 %8s   p99 %8s   errors %s   non-2xx %s\n' \
  "$(awk '/^Requests\/sec/{print $2}' <<<"$out")" "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" "${errors:-0}" "${non2xx:-0}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
