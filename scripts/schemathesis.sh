#!/usr/bin/env bash
# Property-based fuzzing of the API with schemathesis (PyPI) against the real server:
# every operation in /api/v1/openapi.json, once with a tenant's API key (every scope) and once
# signed in as the operator admin. Checks: no 5xx, and every status code, content type, response
# body and header as documented. Exit 1 with schemathesis's report when one is not.
#   scripts/schemathesis.sh [BINARY] [PORT]      (SCHEMATHESIS_EXAMPLES, SCHEMATHESIS_SEED)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/debug/trust-portal}")
port=${2:-3988}
examples=${SCHEMATHESIS_EXAMPLES:-25}
seed=${SCHEMATHESIS_SEED:-20261207}
version=4.32.5
venv=${SCHEMATHESIS_VENV:-$HOME/.cache/trust-portal/schemathesis-$version}
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

scratch=$(mktemp -d /tmp/trust-portal-schemathesis.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
export PORTAL_DATABASE_URL="sqlite:$scratch/portal.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=error
# The fuzzer sends thousands of requests a minute; the rate limit is not what is under test here.
export PORTAL_API_RATE_PER_MINUTE=10000000 PORTAL_API_BURST=1000000
"$bin" migrate >/dev/null
"$bin" demo seed >/dev/null 2>&1
"$bin" serve >"$scratch/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

sign_in() { # email -> the session cookie (name=value)
  curl -fsS -D - -o /dev/null -H 'content-type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"demo-password-123\"}" "$base/api/v1/session" |
    tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*tp_session=[^;]*\).*/\1/p'
}
tenant=$(sign_in admin@acme.demo)
key=$(curl -fsS -H "cookie: $tenant" -H 'content-type: application/json' \
  -d '{"name":"schemathesis","scopes":["verify","evidence","admin","read"]}' "$base/api/v1/api-keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
operator=$(sign_in admin@operator.demo)

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance
run() { # name, header
  echo "schemathesis: $1 (seed $seed, $examples examples per operation)"
  # The pack upload takes a zip, which schemathesis cannot generate (the pack tests send real ones);
  # signing out would end the session the run uses.
  # Run from the scratch folder: schemathesis keeps a cache (.schemathesis/) in its working directory.
  (cd "$scratch" && "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" -H "$2" --checks "$checks" \
    --max-examples "$examples" --seed "$seed" --no-color \
    --exclude-path-regex '/releases/\{tag\}/pack$' --exclude-path /api/v1/session \
    --report-dir "$scratch/report") >"$scratch/$1.txt" 2>&1 || { cat "$scratch/$1.txt"; exit 1; }
  grep -E '^ *[0-9,]+ generated|passed|in [0-9.]+s =' "$scratch/$1.txt" | tail -2
}
run "tenant API key" "Authorization: Bearer $key"
run "operator admin session" "Cookie: $operator"
