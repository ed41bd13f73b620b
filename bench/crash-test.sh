#!/usr/bin/env bash
# Crash test of durable metering on SQLite, at real load: verify-load measures the server's
# capacity, then offers 80% of it (LOAD_SHARE) to POST /api/v1/verify with unique
# Idempotency-Keys while the server is SIGKILLed KILLS times and restarted; every request is
# retried until it gets an answer (200 or 422). Then, in SQL: every acknowledged 200 has exactly
# one usage event, none has two, no 422 has one, and `trust-portal billing reconcile` is clean.
#
#   bench/crash-test.sh [kills] [seconds between kills]    (needs curl, jq, openssl, sqlite3)
#
# Uses the newer of target/release and target/debug (CRASH_BIN to choose). Bounded: the load
# lasts kills x interval + 2 s, and a request is given up after 60 s of retries (counted as
# unanswered, which fails the run). `make test` runs a short version (scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/verify-load.sh
source bench/verify-load.sh
kills=${1:-20}; every=${2:-1.5}; port=${CRASH_PORT:-3450}
bin=$(pick_bin "${CRASH_BIN:-}")   # the newer build, or CRASH_BIN
loadgen=$(loadgen_for "$bin")
[ -x "$bin" ] && [ -x "$loadgen" ] || { echo "build first: cargo build -p server" >&2; exit 2; }
for t in curl jq openssl sqlite3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done

work=$(mktemp -d); server=; load_pid=
stop() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  [ -n "$server" ] && kill -9 "$server" 2>/dev/null
  wait 2>/dev/null || true
}
trap 'stop; rm -rf "$work"' EXIT
export PORTAL_DATABASE_URL="sqlite:$work/crash.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=error
# Limits off: this measures durability under load, not the per-key and per-tenant refusals.
export PORTAL_API_RATE_PER_MINUTE=100000000 PORTAL_API_BURST=100000000 PORTAL_TENANT_CONCURRENCY=100000
start() {
  "$bin" serve >>"$work/server.log" 2>&1 & server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
"$bin" demo seed >/dev/null
start
curl -fs -c "$work/c" -o /dev/null "http://127.0.0.1:$port/api/login" -d 'email=admin@acme.demo&password=demo-password-123'
key=$(curl -fs -b "$work/c" "http://127.0.0.1:$port/api/create_api_key" -d 'name=crash' | jq -r .secret)

offer_load "http://127.0.0.1:$port" "$key" crash 2
started=$SECONDS
for ((k = 1; k <= kills; k++)); do
  sleep "$every"
  sigkill "$server"
  start
done
wait "$load_pid"; load_pid=
elapsed=$((SECONDS - started))
"$bin" billing post-ledger >/dev/null

sqlite3 "$work/crash.db" "SELECT idempotency_key, COUNT(*) FROM usage_events WHERE idempotency_key LIKE 'crash-%' GROUP BY idempotency_key" \
  | tr '|' ' ' | sort > "$work/events"
verdict "$bin" "$work/events" "1 node on SQLite" "server SIGKILLed $kills times, in ${elapsed} s"
