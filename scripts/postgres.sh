#!/usr/bin/env bash
# Starts (start DIR PORT), restarts (restart DIR) or stops (stop DIR) a throwaway PostgreSQL cluster for
# the tests, listening on 127.0.0.1 only, trust auth. Runs as the `postgres` OS
# user when started as root (the server refuses to run as root).
set -euo pipefail
cmd=${1:?start|restart|stop}; dir=${2:?data dir}; port=${3:-25432}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir" -U postgres -A trust --no-sync >/dev/null
    as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    # Drops every connection, then accepts them again (the options of the first start are kept).
    as_pg "$bin/pg_ctl" -D "$dir" -m fast -w restart >/dev/null
    ;;
  stop)
    [ -d "$dir" ] && as_pg "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
