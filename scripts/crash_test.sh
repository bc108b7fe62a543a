#!/usr/bin/env bash
# A real crash: runs `swlab run` journaling with durability batch while its clients
# log every acknowledged sequence number, kills it with SIGKILL at a random moment,
# recovers with `swlab replay`, and checks that
#   - every acknowledged command is in the recovered history (acked seq <= last_seq;
#     sequence numbers have no gaps, so the history is exactly 1..last_seq),
#   - recovering from the snapshot + journal gives the same digest as replaying the
#     whole journal from scratch,
#   - the invariants of the recovered state hold,
#   - an engine restarted on the directory recovers and continues the sequence.
# Repeated for several kill points.
#
# usage: scripts/crash_test.sh [SWLAB_BINARY] [ROUNDS]   (default: build/release/swlab, 5)
set -uo pipefail
swlab=${1:-build/release/swlab}
rounds=${2:-5}
[ -x "$swlab" ] || { echo "crash_test: no swlab binary at $swlab (build it first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
common=(--engine single-writer --threads 2 --markets 2 --accounts 50 --probe 0 --quiet)

for round in $(seq 1 "$rounds"); do
  dir=$tmp/round$round
  mkdir -p "$dir"
  "$swlab" run "${common[@]}" --duration 60 --warmup 0 --journal "$dir/j" --durability batch \
      --snapshot-every 300 --ack-log "$dir/acks" --out "$dir/res" >/dev/null 2>"$dir/run.err" &
  pid=$!
  # Wait until the clients have acknowledged something, then a random 0.1-1.0 s more.
  for _ in $(seq 1 400); do
    if cat "$dir"/acks/*/acks-*.log 2>/dev/null | head -c1 | grep -q .; then break; fi
    sleep 0.05
  done
  sleep "0.$(( RANDOM % 10 ))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  jdir=$(ls -d "$dir"/j/*/ 2>/dev/null | head -1)
  if [ -z "$jdir" ]; then echo "round $round: no journal directory was created"; fail=1; continue; fi

  if ! out=$("$swlab" replay --dir "$jdir" --verify --repair 2>"$dir/replay.err"); then
    echo "round $round: recovery failed: $(cat "$dir/replay.err") $out"; fail=1; continue
  fi
  last=$(awk '/^last_seq/ {print $2}' <<<"$out")
  digest=$(awk '/^digest/ {print $2}' <<<"$out")
  grep -q '^invariants ok' <<<"$out" || { echo "round $round: invariants: $out"; fail=1; }
  scratch=$("$swlab" replay --dir "$jdir" --no-snapshot | awk '/^digest/ {print $2}')
  [ "$scratch" = "$digest" ] || { echo "round $round: snapshot+journal digest $digest != from-scratch $scratch"; fail=1; }
  max_ack=$(cat "$dir"/acks/*/acks-*.log 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1)
  acks=$(cat "$dir"/acks/*/acks-*.log 2>/dev/null | grep -cE '^[0-9]+$')
  if [ -z "$max_ack" ] || [ "$acks" -eq 0 ]; then echo "round $round: no acknowledgements were logged"; fail=1; continue; fi
  if [ "$max_ack" -gt "$last" ]; then
    echo "round $round: acknowledged seq $max_ack is missing: recovered history ends at $last"; fail=1
  fi
  snaps=$(ls "$jdir" | grep -c '^snapshot-.*\.sws$')
  warn=$(sed -n 's/^swlab replay: warning: //p' "$dir/replay.err" | head -1)

  # Restart on the same directory: the engine recovers and continues the sequence.
  "$swlab" run "${common[@]}" --commands 500 --warmup-commands 0 --journal "$dir/j" --durability batch --out "$dir/res2" >/dev/null 2>&1 ||
    { echo "round $round: restart on the journal failed"; fail=1; continue; }
  after=$("$swlab" replay --dir "$jdir" --verify)
  last2=$(awk '/^last_seq/ {print $2}' <<<"$after")
  if ! grep -q '^invariants ok' <<<"$after" || [ "$last2" -le "$last" ]; then
    echo "round $round: after restart last_seq $last2 (was $last)"; fail=1
  fi
  echo "round $round: killed at seq $last, $acks acks (max $max_ack), $snaps snapshots, digest $digest${warn:+, $warn}; restart continued to $last2"
done
[ $fail -eq 0 ] && echo "$rounds passed, 0 failed" || echo "0 passed, $rounds failed"
exit $fail
