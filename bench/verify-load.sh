# Shared by the crash tests (bench/crash-test.sh, bench/multi-process.sh): sourced, not run.
# Two verify request bodies, the load at a share of the measured capacity (verify-load), and the
# tally that finds lost, duplicated and rejected-but-billed events. Uses: work, loadgen, kills, every.

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

# The load generator (server/src/bin/verify_load.rs), built beside the portal binary $1.
loadgen_for() { echo "$(dirname "$1")/verify-load"; }

# offer_load URL KEY PREFIX SPARE: writes the request bodies, measures the capacity through URL
# (every client busy, 3 s, LOAD_CAPACITY_SECS to change), then offers LOAD_SHARE (default 0.8) of
# it in the background (pid in load_pid) for the kills (kills x every seconds) and SPARE seconds
# more, every request retried until answered (200 or 422) or 60 s passed; one line
# "PREFIX-i status tries" per request in $work/acks.0. Sets capacity and rate.
offer_load() {
  local url=$1 key=$2 prefix=$3 secs
  secs=$(awk -v k="$kills" -v e="$every" -v s="$4" 'BEGIN { print k * e + s }')
  make_bodies
  local args=(--url "$url" --ok "$work/ok.json" --bad "$work/bad.json" --prefix "$prefix")
  capacity=$(VERIFY_LOAD_KEY=$key "$loadgen" capacity "${args[@]}" --secs "${LOAD_CAPACITY_SECS:-3}")
  rate=$(awk -v c="$capacity" -v s="${LOAD_SHARE:-0.8}" 'BEGIN { r = c * s; print (r < 1 ? 1 : int(r)) }')
  echo "capacity $capacity answers/s; offering ${LOAD_SHARE:-0.8} of it: $rate requests/s for $secs s"
  # A 500 is a failure the portal did not classify (a database restart answers 503): the run fails.
  VERIFY_LOAD_KEY=$key "$loadgen" run "${args[@]}" --rate "$rate" --secs "$secs" --out "$work/acks.0" --forbid-status 500 &
  load_pid=$!
}

# tally EVENTS: from the load's lines and EVENTS ("key count" per idempotency key, sorted),
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

# sigkill PID: kills the server process PID at once (no shutdown), waits for it, and leaves its
# port a moment to close before the caller starts it again.
sigkill() {
  kill -9 "$1"; wait "$1" 2>/dev/null || true
  sleep 0.3
}

# verdict BIN EVENTS SETUP WHAT: tallies EVENTS, reconciles this month with BIN, prints the figures
# (SETUP: where it ran; WHAT: what was done to it) and fails unless nothing was lost, duplicated,
# billed though rejected or left unanswered, and the month reconciles.
verdict() {
  local bin=$1 events=$2 setup=$3 what=$4
  tally "$events"
  reconcile=clean; "$bin" billing reconcile --period "$(date -u +%Y-%m)" > "$work/reconcile" || reconcile=MISMATCH
  echo "$setup; $((acked_ok + acked_bad + unanswered)) requests at $rate/s (${LOAD_SHARE:-0.8} of the measured $capacity/s), $what"
  echo "answered 200 $acked_ok, 422 $acked_bad, unanswered $unanswered; requests retried by the client: $retried"
  echo "lost (acknowledged 200 without an event): $lost; duplicated (two events for one key): $duplicated; rejected but billed: $billed_rejections; reconciliation: $reconcile"
  [ "$lost" = 0 ] && [ "$duplicated" = 0 ] && [ "$billed_rejections" = 0 ] && [ "$unanswered" = 0 ] && [ "$reconcile" = clean ]
}
