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

See the project README, section "Deploying", for the multi-process setup on Postgres.
README
echo "$out: $(du -sh "$out" | cut -f1)"
