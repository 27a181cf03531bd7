#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster for the tests (tests/it/postgres.rs).
#   .ci/postgres.sh start DIR [PORT]   prints the admin URL (postgres://pki@127.0.0.1:PORT/postgres);
#                                      the password is in DIR/pw (PGPASSWORD=$(cat DIR/pw))
#   .ci/postgres.sh stop DIR
# As root, the cluster runs as the user postgres (initdb refuses root).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] && export PATH="$bin:$PATH"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
  port=${3:-55432}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/pw"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pw"
    as_pg initdb -D "$dir/data" -U pki --auth=scram-sha-256 --pwfile="$dir/pw" >"$dir/initdb.log" 2>&1
  fi
  as_pg pg_ctl -D "$dir/data" -o "-k $dir -p $port -h 127.0.0.1" -l "$dir/log" -w start >/dev/null
  echo "postgres://pki@127.0.0.1:$port/postgres"
  ;;
stop)
  as_pg pg_ctl -D "$dir/data" -m fast -w stop >/dev/null
  ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
