#!/usr/bin/env bash
# Starts the portal for the browser tests on a fresh SQLite database with demo data
# (in DATA_DIR, default end2end/.data; each spec file gets its own, see tests/helpers.ts),
# and beside it a local repository host and webhook receiver (fixtures/forge.mjs) on
# the next port, serving release packs built and signed here by the portal's own CLI.
set -euo pipefail
port=${1:-3100}
data=${2:-end2end/.data}
forge_port=$((port + 1))
cd "$(dirname "$0")/.."
rm -rf "$data" && mkdir -p "$data/forge"
bin=${TRUST_PORTAL_BIN:-target/debug/trust-portal}

# Release packs: partner/widgets-* signed by the partner's release key (verifies), and
# partner/broken signed by another key (fails against the partner's public key). A
# repository name belongs to the one tenant that proves it, so each test that onboards
# a partner to a verified pack has its own repository (per project: js-on / js-off).
# initech/firmware and hooli/platform are the two partners of the recorded demo (end2end/demo).
forge=$data/forge
"$bin" keygen --out "$forge/release-key" >/dev/null
"$bin" keygen --out "$forge/stranger-key" >/dev/null
echo '{"spdxVersion":"SPDX-2.3","name":"widgets"}' > "$forge/sbom.spdx.json"
for spec in "partner/widgets-json-wizard v1.4.0 release-key" "partner/widgets-jsoff-wizard v1.4.0 release-key" \
            "partner/widgets-json-cli v1.4.0 release-key" "partner/widgets-jsoff-cli v1.4.0 release-key" \
            "partner/widgets-json-upload v1.4.0 release-key" "partner/widgets-jsoff-upload v1.4.0 release-key" \
            "partner/broken v0.2.0 stranger-key" "initech/firmware v3.1.0 release-key" "hooli/platform v2.0.0 release-key"; do
  read -r repo tag key <<<"$spec"
  mkdir -p "$forge/$repo"
  echo "$tag" > "$forge/$repo/tag"
  "$bin" pack build --repo "$repo" --tag "$tag" --key "$forge/$key.pem" \
    --out "$forge/$repo/pack.zip" "$forge/sbom.spdx.json" >/dev/null
done
node end2end/fixtures/forge.mjs "$forge_port" "$forge" &
forge_pid=$!
trap 'kill $forge_pid 2>/dev/null || true' EXIT

export PORTAL_DATABASE_URL="sqlite:$data/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export PORTAL_METRICS_FLUSH_SECONDS=1
export PORTAL_RELEASES_API_URL="http://127.0.0.1:$forge_port/api/v3"
export PORTAL_OUTBOUND_ALLOWLIST="127.0.0.0/8"
export RUST_LOG=${RUST_LOG:-warn}
"$bin" demo seed >/dev/null
"$bin" serve &
serve_pid=$!
# A prober from outside the server, as `make run` starts one: uptime and the SLA
# badge are counted from its probes. It starts once the portal listens (the demo
# probes more often: PROBE_EVERY).
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  kill -0 $serve_pid 2>/dev/null || exit 1
  sleep 0.2
done
"$bin" probe --url "http://127.0.0.1:$port" --every "${PROBE_EVERY:-30s}" >/dev/null 2>&1 &
probe_pid=$!
trap 'kill $forge_pid $probe_pid $serve_pid 2>/dev/null || true' EXIT
wait $serve_pid
