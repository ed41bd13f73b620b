#!/usr/bin/env bash
# Two server processes on one Postgres behind nginx, at real load, with one of the two killed
# (SIGKILL) and restarted again and again, then Postgres itself restarted (every connection
# dropped). verify-load measures the capacity through nginx, then offers 80% of it (LOAD_SHARE)
# to POST /api/v1/verify with unique Idempotency-Keys, retrying each request until it is answered
# (200 or 422); nginx passes a request whose node died to the other one. Then, in SQL: every
# acknowledged 200 has exactly one usage event, none has two, no 422 has one, and
# `trust-portal billing reconcile` is clean. The run fails if any request goes unanswered.
#
#   bench/multi-process.sh [kills] [seconds between kills]   (needs nginx, curl, jq, openssl; Postgres)
#
# `make test` runs a short version (scripts/test.sh); the full one is a bench (README).
# MP_KEEP=1 keeps the work directory (node logs, nginx.err, the acks) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/verify-load.sh
source bench/verify-load.sh
kills=${1:-20}; every=${2:-1}; port=${MP_PORT:-3460}
bin=$(pick_bin "${MP_BIN:-}")   # MP_BIN to choose
loadgen=$(loadgen_for "$bin")
[ -x "$bin" ] && [ -x "$loadgen" ] || { echo "build first: cargo build -p server" >&2; exit 2; }
for t in nginx curl jq openssl; do command -v $t >/dev/null || { echo "needs $t (apt-get install nginx-light curl jq openssl)" >&2; exit 2; }; done
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/trust-portal-mp.XXXXXX); chmod 755 "$work"
declare -A node=(); load_pid=
stop_all() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  for p in "${node[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  scripts/postgres.sh stop "$work/pg"
}
trap 'stop_all; [ -n "${MP_KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
db=$(scripts/postgres.sh start "$work/pg" "${MP_PG_PORT:-25460}")
export PORTAL_DATABASE_URL=$db RUST_LOG=error
# Limits off: this measures durability under load, not the per-key and per-tenant refusals.
export PORTAL_API_RATE_PER_MINUTE=100000000 PORTAL_API_BURST=100000000 PORTAL_TENANT_CONCURRENCY=100000
"$bin" migrate >/dev/null
"$bin" demo seed >/dev/null 2>&1

start() { # n: node n on port+n
  local n=$1
  LEPTOS_SITE_ADDR="127.0.0.1:$((port + n))" "$bin" serve >>"$work/node$n.log" 2>&1 & node[$n]=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$((port + n))/readyz" >/dev/null && return; sleep 0.1; done
  echo "node $n did not start" >&2; exit 1
}
start 1; start 2
cat > "$work/nginx.conf" <<NGINX
user root;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body; proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fcgi; uwsgi_temp_path $work/nginx-uwsgi; scgi_temp_path $work/nginx-scgi;
  upstream portal {
    # Never marked down: a dead node costs one refused connection on loopback, and a node that
    # is back serves at once (with fail_timeout, both could count as down after two quick kills).
    server 127.0.0.1:$((port + 1)) max_fails=0;
    server 127.0.0.1:$((port + 2)) max_fails=0;
    keepalive 64;   # reused upstream connections: thousands of requests a second would use up the ports
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://portal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host:\$server_port;
      proxy_connect_timeout 1s;
      # A node that died mid-request: try the other (safe: every verify carries an Idempotency-Key).
      proxy_next_upstream error timeout http_502 non_idempotent;
    }
  }
}
NGINX
nginx -c "$work/nginx.conf"
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -fs "$base/readyz" >/dev/null && break; sleep 0.1; done

# A session from one node works on the other; the key it creates works everywhere at once.
cookie=$(curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
  -d '{"email":"admin@acme.demo","password":"demo-password-123"}' "http://127.0.0.1:$((port + 1))/api/v1/session" |
  tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*tp_session=[^;]*\).*/\1/p')
key=$(curl -fsS -H "cookie: $cookie" -H 'content-type: application/json' \
  -d '{"name":"multi-process","scopes":["verify","read"]}' "http://127.0.0.1:$((port + 2))/api/v1/api-keys" | jq -r .secret)

# The load lasts the kills, then the Postgres restart with 3 s to spare.
offer_load "$base" "$key" mp 4
started=$SECONDS
for ((k = 1; k <= kills; k++)); do
  sleep "$every"
  n=$(( (k % 2) + 1 ))
  sigkill "${node[$n]}"
  start "$n"
done
sleep 1
pg_restart_at=$SECONDS
scripts/postgres.sh restart "$work/pg"
pg_down=$((SECONDS - pg_restart_at))
wait "$load_pid"; load_pid=
elapsed=$((SECONDS - started))
# Both nodes came through the restart: each answers again without being restarted itself.
for n in 1 2; do
  curl -fs "http://127.0.0.1:$((port + n))/readyz" >/dev/null || { echo "node $n does not serve after the Postgres restart" >&2; exit 1; }
done
"$bin" billing post-ledger >/dev/null

"$pgbin/psql" -X -A -t -F ' ' "$db" -c \
  "SELECT idempotency_key, COUNT(*) FROM usage_events WHERE idempotency_key LIKE 'mp-%' GROUP BY idempotency_key" \
  | sort > "$work/events"
verdict "$bin" "$work/events" "2 nodes on Postgres behind nginx" \
  "one node SIGKILLed $kills times, then Postgres restarted (${pg_down} s), in ${elapsed} s"
