#!/usr/bin/env bash
# Runs a release directory as a new machine would: from a scratch directory with no checkout,
# on a fresh SQLite file. Migrates, seeds, serves, and checks a page, the compiled site and
# readiness over real HTTP; exit 1 with what failed.
#   scripts/dist-smoke.sh DIST [PORT]
set -euo pipefail
dist=$(cd "${1:?usage: scripts/dist-smoke.sh DIST [PORT]}" && pwd)
port=${2:-3987}
scratch=$(mktemp -d /tmp/trust-portal-dist.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
cd "$scratch"
export PORTAL_DATABASE_URL="sqlite:$scratch/portal.db" LEPTOS_SITE_ADDR="127.0.0.1:$port" RUST_LOG=warn
unset LEPTOS_OUTPUT_NAME LEPTOS_SITE_ROOT
"$dist/bin/trust-portal" migrate >/dev/null
"$dist/bin/trust-portal" demo seed >/dev/null
"$dist/bin/trust-portal" serve >"$scratch/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
fail() { echo "dist smoke: $*" >&2; cat "$scratch/serve.log" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || fail "/readyz never answered"
page=$(curl -fsS "http://127.0.0.1:$port/login") || fail "/login failed"
grep -q '/pkg/trust-portal' <<<"$page" || fail "/login does not load the site's code"
curl -fsS -o /dev/null "http://127.0.0.1:$port/pkg/trust-portal.js" || fail "/pkg/trust-portal.js is not served"
curl -fsS -o /dev/null "http://127.0.0.1:$port/favicon.svg" || fail "/favicon.svg (public/) is not served"
grep -q 'site is missing' "$scratch/serve.log" && fail "the server did not find its site"
# The release evidence: the binary verifies against the signed provenance; a changed copy does not.
attest() {
  "$dist/bin/trust-portal" verify-attestation --key "$dist/share/release-key.pub" \
    --envelope "$dist/share/provenance.intoto.json" --predicate-type https://slsa.dev/provenance/v1 "$1" >/dev/null 2>&1
}
attest "$dist/bin/trust-portal" || fail "bin/trust-portal does not verify against share/provenance.intoto.json"
cp "$dist/site/favicon.svg" "$scratch/favicon.svg" && echo '<!-- changed -->' >>"$scratch/favicon.svg"
attest "$scratch/favicon.svg" && fail "a changed file verified against the provenance"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["bomFormat"]=="CycloneDX" and len(d["components"])>100' \
  "$dist/share/sbom/trust-portal.cdx.json" || fail "share/sbom/trust-portal.cdx.json is not a CycloneDX SBOM of the binary"
echo "dist smoke: $dist served from $scratch (migrate, demo seed, /readyz, /login, /pkg, /favicon.svg; provenance and SBOM checked)"
