#!/usr/bin/env bash
# Runs the sigstore-conformance bundle-verify suite (70 cases) through
# `trust-portal verify-bundle`, each case twice: with the artifact file and with
# its sha256 digest. A case passes when both runs give the expected outcome
# (exit 0 for valid bundles, non-zero for *_fail cases).
#
# Every run happens inside a network namespace with no interfaces (`unshare -n`),
# so the suite also proves that verification needs no network. Missing vectors
# or an unavailable namespace fail the run rather than skip it.
#
#   scripts/conformance.sh [path/to/trust-portal]
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/trust-portal}
vectors=${PORTAL_VECTORS_DIR:-../shared/vectors}
dir="$vectors/sigstore-conformance/test/assets/bundle-verify"
default_identity="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
default_issuer="https://token.actions.githubusercontent.com"

[ -d "$dir" ] || { echo "error: conformance vectors not found at $dir (set PORTAL_VECTORS_DIR)" >&2; exit 2; }
[ -x "$bin" ] || { echo "error: $bin not built" >&2; exit 2; }
if ! unshare -n true 2>/dev/null; then
  echo "error: cannot create a network namespace (unshare -n); the offline proof needs it" >&2
  exit 2
fi

passed=0; failed=0; err=$(mktemp)
trap 'rm -f "$err"' EXIT
for case_dir in "$dir"/*/; do
  case_dir=${case_dir%/}; name=$(basename "$case_dir")
  expect=pass; [[ $name == *_fail ]] && expect=fail
  artifact="$case_dir/artifact"; [ -f "$artifact" ] || artifact="$dir/../a.txt"
  args=(--bundle "$case_dir/bundle.sigstore.json")
  if [ -f "$case_dir/key.pub" ]; then
    args+=(--key "$case_dir/key.pub")
  else
    identity=$default_identity; issuer=$default_issuer
    [ -f "$case_dir/identity" ] && identity=$(cat "$case_dir/identity")
    [ -f "$case_dir/issuer" ] && issuer=$(cat "$case_dir/issuer")
    args+=(--certificate-identity "$identity" --certificate-oidc-issuer "$issuer")
  fi
  [ -f "$case_dir/trusted_root.json" ] && args+=(--trusted-root "$case_dir/trusted_root.json")
  digest="sha256:$(sha256sum "$artifact" | cut -d' ' -f1)"
  ok=1
  for subject in "$artifact" "$digest"; do
    if unshare -n "$bin" verify-bundle "${args[@]}" "$subject" >/dev/null 2>"$err"; then got=pass; else got=fail; fi
    if [ "$got" != "$expect" ]; then
      ok=0
      mode=file; [ "$subject" = "$digest" ] && mode=digest
      echo "FAIL $name ($mode): expected $expect, got $got: $(head -c 300 "$err")"
    fi
  done
  if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "sigstore-conformance bundle-verify, file and digest mode, offline (unshare -n):"
echo "conformance: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
