# Shared by the crash tests (bench/crash-test.sh, bench/multi-process.sh): sourced, not run.
# Two verify request bodies, clients that retry each request until it is answered, and the tally
# that finds lost, duplicated and rejected-but-billed events. Uses: work, requests, clients.

# The portal binary: $1 if given, else the newer of the release and debug builds (a stale
# release build would lack routes the tests use).
pick_bin() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  local release=target/release/trust-portal debug=target/debug/trust-portal
  if [ -x "$release" ] && { [ ! -x "$debug" ] || [ ! "$debug" -nt "$release" ]; }; then echo "$release"; else echo "$debug"; fi
}

# Writes $work/ok.json (verifies) and $work/bad.json (a tampered artifact: rejected).
make_bodies() {
  head -c 512 /dev/urandom > "$work/a"
  openssl ecparam -genkey -name prime256v1 -noout -out "$work/k.pem" 2>/dev/null
  openssl ec -in "$work/k.pem" -pubout -out "$work/k.pub" 2>/dev/null
  local sig; sig=$(openssl dgst -sha256 -sign "$work/k.pem" "$work/a" | base64 -w0)
  jq -n --arg a "$(base64 -w0 "$work/a")" --arg s "$sig" --rawfile k "$work/k.pub" \
    '{kind:"cosign_blob", artifact:{base64:$a}, signature:$s, public_key:$k}' > "$work/ok.json"
  jq '.artifact.base64 = "dGFtcGVyZWQ="' "$work/ok.json" > "$work/bad.json"
}

# client ID URL KEY PREFIX: sends its share of requests (every tenth rejected), retrying each
# until answered (200 or 422) or 60 s passed; one line "PREFIX-i status tries" per request.
client() {
  local id=$1 url=$2 key=$3 prefix=$4 i status deadline tries body
  for ((i = id; i < requests; i += clients)); do
    body=$work/ok.json; ((i % 10 == 9)) && body=$work/bad.json
    deadline=$((SECONDS + 60)); status=000; tries=0
    while [ $SECONDS -lt $deadline ]; do
      tries=$((tries + 1))
      status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/api/v1/verify" \
        -H "Authorization: Bearer $key" -H "Idempotency-Key: $prefix-$i" -H 'content-type: application/json' \
        --data-binary @"$body" || true)
      case $status in 200|422) break ;; *) sleep 0.05 ;; esac
    done
    echo "$prefix-$i $status $tries" >> "$work/acks.$id"
  done
}

# tally EVENTS: from the clients' lines and EVENTS ("key count" per idempotency key, sorted),
# sets acked_ok, acked_bad, unanswered, retried, lost, duplicated, billed_rejections.
tally() {
  local events=$1
  cat "$work"/acks.* > "$work/acks"
  acked_ok=$(awk '$2 == 200' "$work/acks" | wc -l); acked_bad=$(awk '$2 == 422' "$work/acks" | wc -l)
  unanswered=$(awk '$2 != 200 && $2 != 422' "$work/acks" | wc -l)
  retried=$(awk '$3 > 1' "$work/acks" | wc -l)
  awk '$2 == 200 {print $1}' "$work/acks" | sort > "$work/ok.keys"
  awk '$2 == 422 {print $1}' "$work/acks" | sort > "$work/bad.keys"
  lost=$(join -v1 "$work/ok.keys" "$events" | wc -l)
  duplicated=$(awk '$2 > 1' "$events" | wc -l)
  billed_rejections=$(join "$work/bad.keys" "$events" | wc -l)
}
