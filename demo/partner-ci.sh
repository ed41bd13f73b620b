#!/usr/bin/env bash
# A partner repository's CI job, as the org workflow (`trust-portal policy workflow`) runs it,
# with openssl standing in for cosign (same signature: base64 of the DER ECDSA P-256 signature
# over SHA-256 of policy.tar.gz): build policy.tar.gz from policies/, sign it with the org's
# policy key, upload both with the tenant's API key. Prints the portal's answer (JSON).
#
# Usage: PORTAL_URL=… PORTAL_API_KEY=tpk_… POLICY_KEY=key.pem demo/partner-ci.sh OWNER/NAME CHECKOUT VERSION
#   CHECKOUT holds the repository's policies/ (.rego and .json files).
set -euo pipefail
repo=$1 checkout=$2 version=$3
: "${PORTAL_URL:?}" "${PORTAL_API_KEY:?}" "${POLICY_KEY:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$checkout" && find policies -type f \( -name '*.rego' -o -name '*.json' \) -print0 | sort -z \
  | tar --null --no-recursion --owner=0 --group=0 --mtime='2000-01-01' -czf "$work/policy.tar.gz" -T -)
openssl dgst -sha256 -sign "$POLICY_KEY" "$work/policy.tar.gz" | base64 -w0 > "$work/policy.sig"
curl --fail-with-body -sS -X POST "$PORTAL_URL/api/v1/repos/$repo/policy" \
  -H "Authorization: Bearer $PORTAL_API_KEY" \
  -F "version=$version" -F "bundle=@$work/policy.tar.gz" -F "signature=<$work/policy.sig"
