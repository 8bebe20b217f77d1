# Sourced by .ci/run: start a throwaway PostgreSQL server in a temporary
# directory on a free port, export ATTEST_TEST_POSTGRES for the tests, and
# stop it when the calling script exits.
pg_bin=""
for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent)")" /usr/lib/postgresql/*/bin; do
  if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then pg_bin=$d; break; fi
done
if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "PostgreSQL not found: installing it from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin=$d; done
fi
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL binaries (initdb, pg_ctl) not found"; return 1
fi

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/attest-pg-XXXXXX")
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
# initdb refuses to run as root: run the server as the postgres user then.
pg_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$pg_dir"
  pg_as=(runuser -u postgres --)
fi
"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U attest --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log"; return 1; }
"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null || { cat "$pg_dir/server.log"; return 1; }
pg_stop() { "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_dir"; }
export ATTEST_TEST_POSTGRES="postgres://attest@127.0.0.1:$pg_port/postgres?sslmode=disable"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') running on port $pg_port"
