#!/usr/bin/env bash
# Starts the portal for the browser tests on a fresh SQLite database with demo data.
set -euo pipefail
port=${1:-3100}
cd "$(dirname "$0")/.."
rm -rf end2end/.data && mkdir -p end2end/.data
export PORTAL_DATABASE_URL="sqlite:end2end/.data/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export PORTAL_METRICS_FLUSH_SECONDS=1
export RUST_LOG=${RUST_LOG:-warn}
bin=${TRUST_PORTAL_BIN:-target/debug/trust-portal}
"$bin" demo seed >/dev/null
exec "$bin" serve
