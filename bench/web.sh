#!/usr/bin/env bash
# Benchmark: the web app under load, with wrk (Debian package "wrk") on
# loopback against the demo data: the dashboard (signed in) and the public
# trust-center page, 100 concurrent connections for 30 seconds each (set
# DURATION to change). Goals: no errors; p99 under 50 ms for the dashboard
# and under 20 ms for the trust-center page on this machine.
# Usage: bash bench/web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
duration=${DURATION:-30s}
work=$(mktemp -d "${TMPDIR:-/tmp}/attest-webbench-XXXXXX")
go build -o "$work/attest" ./cmd/attest
"$work/attest" demo --data "$work/demo" > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$work/attest" serve --data "$work/demo" --addr "127.0.0.1:$port" 2> "$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for i in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cookie=$(curl -s -o /dev/null -D - --data-urlencode email=kenji.mori@harbor.example --data-urlencode password=harbor-demo-password \
  "http://127.0.0.1:$port/login" | sed -n 's/^[Ss]et-[Cc]ookie: \(attest_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "could not sign in"; exit 1; }
page=$(curl -fs -H "Cookie: $cookie" "http://127.0.0.1:$port/"); grep -q "<title>Dashboard" <<<"$page" || { echo "the dashboard did not answer"; exit 1; }
run() { # name path [cookie]
  local out
  # As a browser does, ask for a compressed answer.
  out=$(wrk -t2 -c100 -d"$duration" --latency -H "Accept-Encoding: gzip" ${3:+-H "Cookie: $3"} "http://127.0.0.1:$port$2")
  local p99 rps errors non2xx
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  errors=$(awk '/Socket errors/{gsub(",","");print $4+$6+$8+$10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  printf '%-22s %10s req/s   p50 %8s   p99 %8s   errors %s   non-2xx %s\n' "$1" "$rps" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$p99" "${errors:-0}" "${non2xx:-0}"
}
echo "wrk -t2 -c100 -d$duration on $(nproc) cores, server and wrk on the same machine, after a 5 s warm-up of each page"
# Warm up: the server's pool opens its database connections and prepares
# its statements on first use.
wrk -t2 -c100 -d5s -H "Accept-Encoding: gzip" -H "Cookie: $cookie" "http://127.0.0.1:$port/" >/dev/null
wrk -t2 -c100 -d5s -H "Accept-Encoding: gzip" "http://127.0.0.1:$port/trust/demo" >/dev/null
run "dashboard (/)" / "$cookie"
run "trust center" /trust/demo
