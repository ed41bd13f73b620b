#!/usr/bin/env bash
# Crash test of durable metering: clients load POST /api/v1/verify with unique
# Idempotency-Keys while the server is killed with SIGKILL several times and
# restarted; every client retries its request until it gets an answer (200 or
# 422). Then, in SQL: every acknowledged 200 has exactly one usage event, none
# has two, no 422 has one, and `trust-portal billing reconcile` is clean.
#
#   bench/crash-test.sh [requests] [kills] [clients]     (needs curl, jq, openssl, sqlite3)
#
# Uses the newer of target/release and target/debug (CRASH_BIN to choose). Bounded: each
# client gives up on a request after 60 s of retries (counted as unanswered).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/verify-load.sh
source bench/verify-load.sh
requests=${1:-2000}; kills=${2:-5}; clients=${3:-8}; port=${CRASH_PORT:-3450}
bin=$(pick_bin "${CRASH_BIN:-}")   # the newer build, or CRASH_BIN
[ -x "$bin" ] || { echo "build first: cargo build -p server" >&2; exit 2; }
for t in curl jq openssl sqlite3; do command -v $t >/dev/null || { echo "needs $t" >&2; exit 2; }; done

work=$(mktemp -d); server=
stop() { [ -n "$server" ] && kill -9 "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
trap 'stop; rm -rf "$work"' EXIT
export PORTAL_DATABASE_URL="sqlite:$work/crash.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=error
export PORTAL_API_RATE_PER_MINUTE=100000000 PORTAL_API_BURST=100000000
start() {
  "$bin" serve >>"$work/server.log" 2>&1 & server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
"$bin" demo seed >/dev/null
start
curl -fs -c "$work/c" -o /dev/null "http://127.0.0.1:$port/api/login" -d 'email=admin@acme.demo&password=demo-password-123'
key=$(curl -fs -b "$work/c" "http://127.0.0.1:$port/api/create_api_key" -d 'name=crash' | jq -r .secret)

# Two request bodies: one that verifies, one that is rejected (tampered artifact).
make_bodies

pids=()
for ((c = 0; c < clients; c++)); do client $c "http://127.0.0.1:$port" "$key" crash & pids+=($!); done

for ((k = 1; k <= kills; k++)); do
  sleep 1.5
  kill -9 "$server"; wait "$server" 2>/dev/null || true
  echo "kill $k: SIGKILL the server"
  sleep 0.3
  start
done
for p in "${pids[@]}"; do wait "$p" || true; done
"$bin" billing post-ledger >/dev/null

sqlite3 "$work/crash.db" "SELECT idempotency_key, COUNT(*) FROM usage_events WHERE idempotency_key LIKE 'crash-%' GROUP BY idempotency_key" \
  | tr '|' ' ' | sort > "$work/events"
tally "$work/events"
reconcile=clean; "$bin" billing reconcile --period "$(date -u +%Y-%m)" > "$work/reconcile" || reconcile=MISMATCH
echo "requests $requests, clients $clients, kills $kills: answered 200 $acked_ok, 422 $acked_bad, unanswered $unanswered; requests retried after a failed attempt: $retried"
echo "lost (acknowledged 200 without an event): $lost; duplicated (two events for one key): $duplicated; rejected but billed: $billed_rejections; reconciliation: $reconcile"
[ "$lost" = 0 ] && [ "$duplicated" = 0 ] && [ "$billed_rejections" = 0 ] && [ "$unanswered" = 0 ] && [ "$reconcile" = clean ]
