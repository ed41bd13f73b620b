#!/usr/bin/env bash
# Installs what a fresh machine lacks, idempotently: each step checks first,
# so a warm machine skips all of it. Nothing here downloads from GitHub.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
CARGO_CYCLONEDX_VERSION=0.5.9
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "cargo-leptos $CARGO_LEPTOS_VERSION: installing (about 25-30 CPU-minutes, once per machine)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION: installing (must equal Cargo.lock)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

# make dist's SBOM (and make test, which builds a release directory).
if ! cargo cyclonedx --version 2>/dev/null | grep -q "$CARGO_CYCLONEDX_VERSION"; then
  say "cargo-cyclonedx $CARGO_CYCLONEDX_VERSION: installing (about 2 CPU-minutes, once per machine)"
  cargo install cargo-cyclonedx --locked --version "$CARGO_CYCLONEDX_VERSION"
fi

# tailwindcss, wasm-opt (binaryen 132: Debian's 108 breaks the wasm), Playwright, axe-core.
if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@axe-core/playwright ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm: installing build and test tools"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

# Browser tests and the recorded demo use Debian's Chromium (the demo's partner CI also openssl
# and curl); Postgres tests a throwaway local server.
case "${1:-}" in
  --test)
    # nginx-light and jq: the two-process test behind a reverse proxy (bench/multi-process.sh);
    # sqlite3: the SQLite crash test counts the usage events with it (bench/crash-test.sh).
    apt_install chromium openssl curl nginx-light jq sqlite3
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then apt_install postgresql; fi
    # The API fuzzer (schemathesis, from PyPI) runs in its own virtual environment.
    if ! python3 -m venv --help >/dev/null 2>&1; then apt_install python3-venv; fi ;;
  --demo) apt_install chromium openssl curl ;;
esac
say "tools ready"
