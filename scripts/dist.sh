#!/usr/bin/env bash
# Assembles a self-contained release directory from a built binary and site:
#   scripts/dist.sh BINARY OUT      (make dist: target/release/trust-portal dist/trust-portal)
# OUT/bin/trust-portal runs from any directory: it finds OUT/site beside itself (no Leptos.toml),
# migrations are inside the binary, and settings come from PORTAL_* variables.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: scripts/dist.sh BINARY OUT}
out=${2:?usage: scripts/dist.sh BINARY OUT}
[ -x "$bin" ] || { echo "error: $bin is not a built binary" >&2; exit 2; }
[ -f target/site/pkg/trust-portal.js ] || { echo "error: target/site has no build (run make build)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/bin" "$out/share"
cp "$bin" "$out/bin/trust-portal"
cp -r target/site "$out/site"
# The example settings for a service: absolute SQLite path, production mode.
sed -e 's|^PORTAL_DATABASE_URL=sqlite:data/portal.db|PORTAL_DATABASE_URL=sqlite:/var/lib/trust-portal/portal.db|' \
    -e 's|^PORTAL_ENV=development|PORTAL_ENV=production\nPORTAL_PUBLIC_URL=https://trust.example.com|' \
    -e 's|^PORTAL_LOG_FORMAT=pretty|PORTAL_LOG_FORMAT=json|' .env.example >"$out/share/trust-portal.env.example"
cp deploy/trust-portal.service deploy/Dockerfile "$out/share/"
cat >"$out/README.md" <<README
# Trust Portal $("$bin" --version | awk '{print $2}') (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))

    bin/trust-portal migrate && bin/trust-portal serve     # from any directory

- site/: the compiled browser code, CSS and public files (found beside bin/; LEPTOS_SITE_ROOT overrides)
- share/trust-portal.env.example: every setting (PORTAL_*); LEPTOS_SITE_ADDR is the listen address
- share/trust-portal.service: systemd unit for /opt/trust-portal; share/Dockerfile: the image
- share/sbom/: CycloneDX SBOMs of the server binary and the browser code (cargo-cyclonedx)
- share/provenance.intoto.json: SLSA v1 provenance over every file (DSSE, key share/release-key.pub),
  SLSA Build L1. Check a file offline:
    bin/trust-portal verify-attestation --key share/release-key.pub --envelope share/provenance.intoto.json \
        --predicate-type https://slsa.dev/provenance/v1 bin/trust-portal

See the project README, section "Deploying", for the multi-process setup on Postgres.
README
# Release evidence: a CycloneDX SBOM of the server binary and of the browser code, then an in-toto
# SLSA v1 provenance statement over every file, signed as DSSE (SLSA Build L1: see README "Deploying").
command -v cargo-cyclonedx >/dev/null || { echo "error: cargo-cyclonedx is missing (scripts/setup.sh installs it)" >&2; exit 2; }
mkdir -p "$out/share/sbom"
cargo cyclonedx --format json --describe binaries -q
mv server/trust-portal_bin.cdx.json "$out/share/sbom/trust-portal.cdx.json"
mv frontend/frontend_cdylib-rlib.cdx.json "$out/share/sbom/browser.cdx.json"
# The crash tests' load generator (server/src/bin/verify_load.rs) is not shipped: nor is its SBOM.
rm -f server/verify-load_bin.cdx.json
keys=$(mktemp -d)
if [ -n "${PORTAL_RELEASE_KEY:-}" ]; then
  key=$PORTAL_RELEASE_KEY   # the vendor's kept release key; publish its .pub
  [ -f "${key%.pem}.pub" ] && cp "${key%.pem}.pub" "$out/share/release-key.pub"
else
  # A one-off key: the provenance then proves the files are as built, not who built them.
  "$bin" keygen --out "$keys/release-key" >/dev/null
  key=$keys/release-key.pem
  cp "$keys/release-key.pub" "$out/share/release-key.pub"
fi
commit=$(git rev-parse HEAD)
git diff --quiet HEAD 2>/dev/null || echo "warning: the working tree differs from commit $commit; the provenance names the commit" >&2
mapfile -t files < <(find "$out" -type f ! -name provenance.intoto.json | sort)
# The toolchain as it is on this machine: a tool that is missing is left out, never guessed.
toolchain=()
for tool in "rustc -V" "cargo leptos --version" "wasm-bindgen --version" "cargo cyclonedx --version"; do
  version=$($tool 2>/dev/null) && toolchain+=(--toolchain "$version")
done
# The command that ran: make dist says so (DIST_COMMAND); otherwise this script's own invocation.
"$bin" release provenance --key "$key" --base "$out" --out "$out/share/provenance.intoto.json" \
  --builder-id "${PORTAL_BUILDER_ID:-local://$(uname -n)}" \
  --source-uri "git+$(git remote get-url origin 2>/dev/null || echo "file://$PWD")" --commit "$commit" \
  --command "${DIST_COMMAND:-scripts/dist.sh $bin $out}" "${toolchain[@]}" "${files[@]}" >/dev/null
rm -rf "$keys"
echo "$out: $(du -sh "$out" | cut -f1), ${#files[@]} files in its signed provenance"
