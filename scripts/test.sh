#!/usr/bin/env bash
# Runs every test: formatting, clippy per target (ssr server / hydrate wasm),
# unit + property tests, API tests on SQLite and on a real Postgres, and the
# Playwright browser tests (JavaScript on and off) in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=trust-portal   # the server must name the wasm as cargo-leptos does
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-always}
export PORTAL_VECTORS_DIR=${PORTAL_VECTORS_DIR:-$PWD/../shared/vectors}

if [ ! -d "$PORTAL_VECTORS_DIR/sigstore-conformance/test/assets/bundle-verify" ] || [ ! -f "$PORTAL_VECTORS_DIR/standard-webhooks/vectors.json" ]; then
  echo "error: test vectors not found at $PORTAL_VECTORS_DIR (expected shared/ beside this checkout; set PORTAL_VECTORS_DIR)" >&2
  exit 2
fi

started=$(date +%s)
step() { printf '\n\033[1;34m==> %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "format"
cargo fmt --all --check

step "clippy: server (ssr)"
cargo clippy -p app -p server --all-targets --locked -- -D warnings

step "clippy: browser (hydrate, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings

step "site: wasm chunks + CSS (cargo leptos build --release --frontend-only --split)"
cargo leptos build --release --frontend-only --split

step "server binary"
cargo build -p server --locked

step "the release directory runs from any directory (make dist's layout, this build's binary)"
dist_dir=$(mktemp -d /tmp/trust-portal-distdir.XXXXXX)
scripts/dist.sh target/debug/trust-portal "$dist_dir/trust-portal"
scripts/dist-smoke.sh "$dist_dir/trust-portal" 3987
rm -rf "$dist_dir"

step "unit, property and API tests on SQLite"
cargo nextest run -p app -p server --locked --no-fail-fast

step "sigstore-conformance suite through the CLI (offline, in a network namespace)"
scripts/conformance.sh target/debug/trust-portal

step "API fuzzing: schemathesis against every documented operation (no 5xx, answers as documented)"
scripts/schemathesis.sh target/debug/trust-portal 3988

step "API tests on Postgres"
if [ -z "${PORTAL_TEST_POSTGRES_URL:-}" ]; then
  # Under /tmp, not the checkout: the postgres OS user must be able to reach it
  # whatever the permissions of the folder CI clones into.
  pg_dir=$(mktemp -d /tmp/trust-portal-pg.XXXXXX)
  # A port below the ephemeral range (32768-60999 here): a test's outgoing connection may hold
  # any port in that range, and then Postgres cannot bind it.
  PORTAL_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir" 25432)
  trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
fi
PORTAL_TEST_POSTGRES_URL=$PORTAL_TEST_POSTGRES_URL cargo nextest run -p server --test api --locked --no-fail-fast

step "crash test on SQLite: 80% of measured capacity, the server SIGKILLed 4 times (short; the full run is a bench)"
CRASH_BIN=target/debug/trust-portal bench/crash-test.sh 4 1.5 2>&1 | grep -v ' Killed '

step "two server processes on one Postgres behind nginx at 80% of capacity: one SIGKILLed 4 times, then Postgres restarted (short)"
MP_BIN=target/debug/trust-portal bench/multi-process.sh 4 1 2>&1 | grep -v ' Killed '

step "browser tests (Chromium; JavaScript on and off)"
(cd end2end && playwright test)

step "the recorded sprint demo (every KR it reaches)"
(cd end2end && DEMO_OUT=end2end/.data/demo PROBE_EVERY=10s playwright test -c demo.config.ts)

step "all tests passed"
