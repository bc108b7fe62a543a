#!/usr/bin/env bash
# Chaos against a journaling run: repeated random faults on one state directory,
# each followed by recovery and a check. The faults:
#   kill-9         SIGKILL the writer at a random moment
#   second-writer  start another writer on the directory while one runs: it must be
#                  refused at once, naming the directory and the holder's pid
#   full-disk      the writer runs under RLIMIT_FSIZE (writes fail as on ENOSPC)
#   read-only      the directory is unwritable to the writer, from the start or from
#                  a random moment mid-run (as root: the writer runs as nobody)
#   truncate       with no writer running: cut a closed segment, a snapshot or
#                  swlab.meta at a random offset
#   bit-flip       with no writer running: flip one bit of a segment, a snapshot or
#                  swlab.meta at a random offset
# After each, `swlab replay` must either recover every acknowledged command (the
# writers log each acknowledged seq with --ack-log; the history is 1..last_seq,
# so the largest one must be <= last_seq) with the invariants holding and, for
# damage, the same digest as before it; or, for damage only, refuse with the file
# and byte offset. Anything else is counted as lost. Damage is restored from a copy
# after its check, and the next fault goes on from there.
#
# A fault is counted only when it was injected: a mid-run fault only if the writer
# had acknowledged commands of its own before it (and, for a full disk or a
# read-only directory, then met it: its run ended on the error), a read-only
# directory from the start only if the writer was refused naming the state
# directory itself. Anything else (a writer that was refused or died before it
# acknowledged anything) is reported as "not injected", with the reason, and not
# counted; --faults N and --long go on until N faults were injected (at most 4N +
# 20 tries).
#
# What the damage faults leave out, on purpose: the last segment's final record,
# and cutting the last segment at all. Past the seq the journal's manifest last
# recorded (journal_manifest.h), a cut at a record boundary, or damage to the very
# last record, looks exactly like a crash (journal_format.h, "Limits of the
# rule"); no fault the format claims to catch is left out. The manifest itself is
# a target like swlab.meta.
#
# usage: scripts/chaos.sh [--duration S | --faults N | --long] [--seed N] [SWLAB]
#   default: faults for 75 s; --long: 200 injected faults. SWLAB default: build/release/swlab.
set -uo pipefail

usage() { echo "chaos: $1" >&2; echo "usage: scripts/chaos.sh [--duration S | --faults N | --long] [--seed N] [SWLAB]" >&2; exit 2; }
duration=75 faults=0 seed=1 swlab=build/release/swlab
while [ $# -gt 0 ]; do
  case $1 in
    --duration) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage "--duration needs a positive number of seconds"; duration=$2; shift 2 ;;
    --faults) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || usage "--faults needs a positive count"; faults=$2; shift 2 ;;
    --long) faults=200; shift ;;
    --seed) [[ ${2:-} =~ ^[0-9]+$ ]] || usage "--seed needs a non-negative integer"; seed=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) usage "unknown option '$1'" ;;
    *) swlab=$1; shift ;;
  esac
done
[ -x "$swlab" ] || usage "no swlab binary at $swlab (build it first)"
swlab=$(cd "$(dirname "$swlab")" && pwd)/$(basename "$swlab")
RANDOM=$seed

tmp=$(mktemp -d)
chmod 755 "$tmp"
writer=
cleanup() {
  [ -n "$writer" ] && kill -9 "$writer" 2>/dev/null
  chmod -R u+w "$tmp" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# As root, permission bits do not stop the writer: the read-only faults run it as
# nobody instead. Without setpriv they are left out, and the tally says so.
as_writer=()
can_read_only=1
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$swlab" 2>/dev/null; then
    as_writer=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    can_read_only=0
  fi
fi

common=(run --engine single-writer --threads 2 --markets 2 --accounts 50 --warmup 0 --probe 0 --quiet --journal "$tmp/j")
kinds=(kill-9 second-writer full-disk read-only truncate bit-flip)
declare -A count
for k in "${kinds[@]}"; do count[$k]=0; done
recovered=0 refused=0 lost=0 problems=0 acked=0 round=0 tries=0 not_injected=0
note() { echo "chaos: $*" >&2; }
problem() { note "fault $round ($kind): $*"; problems=$((problems + 1)); }
# A fault that did not happen: reported, not counted, and the try does not count.
skip_fault() {
  echo "not injected: $*" >&2
  count[$kind]=$((count[$kind] - 1)); round=$((round - 1)); not_injected=$((not_injected + 1))
}
writer_said() { head -c 300 "$tmp/writer.err" | tr '\n' ' '; }

# Starts a writer in the background (writer=pid), optionally under a wrapper.
start_writer() {  # start_writer [prefix command...]
  # Per try, not per fault: a try that injected nothing must leave no acks behind
  # for the next one to take as its own writer's.
  local acks=$tmp/acks/$tries
  mkdir -p "$acks" "$tmp/out/$tries"
  chmod 777 "$acks" "$tmp/out/$tries"
  # none or batch: against these faults (the process dies or stops, the machine
  # does not) both promise every acknowledged command; power loss, where they
  # differ, is tests/test_power_loss.cpp's.
  local durability=none
  [ $((RANDOM % 2)) -eq 0 ] && durability=batch
  "$@" "$swlab" "${common[@]}" --durability $durability --snapshot-every $((50 + RANDOM % 400)) --duration 30 \
      --ack-log "$acks" --out "$tmp/out/$tries" >/dev/null 2>"$tmp/writer.err" &
  writer=$!
}
# Whether this try's writer acknowledged anything (its own --ack-log). Tested on
# the output, not a pipeline's status: with pipefail, cat killed by SIGPIPE once
# head has its byte would read as "nothing".
acked_this_try() { [ -n "$(cat "$tmp/acks/$tries"/*/acks-*.log 2>/dev/null | head -c1)" ]; }
wait_for_acks() {  # up to ${1:-4} s for the writer to acknowledge something
  for _ in $(seq 1 $((${1:-4} * 20))); do
    acked_this_try && return 0
    kill -0 "$writer" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
stop_writer() { [ -n "$writer" ] && { kill -9 "$writer" 2>/dev/null; wait "$writer" 2>/dev/null; }; writer=; }
wait_writer() {  # up to $1 s for the writer to exit by itself (exited=1), then kill it (exited=0)
  exited=0
  for _ in $(seq 1 $(($1 * 20))); do kill -0 "$writer" 2>/dev/null || { exited=1; break; }; sleep 0.05; done
  stop_writer
}
# As wait_writer, but a writer still running is interrupted (SIGINT) rather than
# killed, so that it reports why its run failed: a journal that met a full disk or
# a read-only directory stops acknowledging, but the run goes on to its duration.
finish_writer() {
  exited=0
  for _ in $(seq 1 $(($1 * 20))); do kill -0 "$writer" 2>/dev/null || { exited=1; break; }; sleep 0.05; done
  if [ $exited -eq 0 ]; then
    kill -INT "$writer" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$writer" 2>/dev/null || break; sleep 0.05; done
  fi
  stop_writer
}
# As root the read-only faults run the writer as nobody: the state directory and
# the --journal directory above it (where `swlab run` checks it can create a file
# before any run) become nobody's, and root's again after.
give_to_writer() { [ ${#as_writer[@]} -gt 0 ] && chown "$1" "$tmp/j" && chown -R "$1" "$state"; }
collect_acks() {
  local m
  m=$(cat "$tmp/acks/$tries"/*/acks-*.log 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1)
  [ -n "$m" ] && [ "$m" -gt "$acked" ] && acked=$m
}

# replay: out, err, rc. Nothing may take longer than a minute.
replay() { out=$(timeout 60 "$swlab" replay --dir "$state" "$@" 2>"$tmp/replay.err"); rc=$?; err=$(cat "$tmp/replay.err"); }
field() { awk -v k="$1" '$1 == k {print $2}' <<<"$out"; }

# After a crash-like fault: everything acknowledged must be there, consistently.
check_crash() {
  replay --verify --repair
  if [ $rc -ne 0 ]; then problem "recovery failed after a crash-like fault: $err"; lost=$((lost + 1)); return; fi
  local last digest
  last=$(field last_seq); digest=$(field digest)
  if [ "$last" -lt "$acked" ]; then problem "acknowledged seq $acked lost: history ends at $last"; lost=$((lost + 1)); return; fi
  grep -q '^invariants ok' <<<"$out" || { problem "invariants: $out"; lost=$((lost + 1)); return; }
  replay --no-snapshot
  [ "$(field digest)" = "$digest" ] || { problem "snapshot + journal digest $digest, journal alone $(field digest)"; lost=$((lost + 1)); return; }
  recovered=$((recovered + 1))
  echo "recovered to seq $last (acknowledged $acked)"
}

# Damage to files at rest: recovered unchanged, or refused naming a file of the
# state and a byte offset (a cut closed segment is found where its successor no
# longer continues it: the message names the successor).
check_damage() {  # check_damage FILE
  replay --verify
  if [ $rc -eq 0 ]; then
    if [ "$(field last_seq)" = "$before_last" ] && [ "$(field digest)" = "$before_digest" ] && grep -q '^invariants ok' <<<"$out"; then
      recovered=$((recovered + 1)); echo "did not matter to recovery (unchanged, seq $before_last)"
    else
      problem "damage to $1 went unnoticed: last_seq $(field last_seq) digest $(field digest), before $before_last $before_digest"
      lost=$((lost + 1))
    fi
  elif [ $rc -eq 1 ] && [[ "$err" == *"$state/"*" at byte "[0-9]* || "$err" == *"$state/"*" at offset "[0-9]* ]]; then
    refused=$((refused + 1)); echo "refused: ${err#swlab replay: }"
  else
    problem "damage to $1: replay exited $rc without naming the file and offset: $err"; lost=$((lost + 1))
  fi
}

# A random file the format protects, and an offset in it: for truncation, closed
# segments, snapshots and swlab.meta; for bit flips also the last segment up to its
# final record.
pick_target() {  # pick_target truncate|bit-flip -> target, offset (empty if none)
  local segs=() snaps=() files=() f size
  mapfile -t segs < <(ls "$state" | grep -E '^journal-[0-9]{20}\.swj$')
  mapfile -t snaps < <(ls "$state" | grep -E '^snapshot-[0-9]{20}\.sws$')
  files=("${snaps[@]}" swlab.meta)
  [ -f "$state/journal.manifest" ] && files+=(journal.manifest)
  [ ${#segs[@]} -gt 1 ] && files+=("${segs[@]:0:${#segs[@]}-1}")
  target= offset=
  if [ "$1" = bit-flip ] && [ ${#segs[@]} -gt 0 ] && [ $((RANDOM % 3)) -eq 0 ]; then
    f=${segs[-1]}
    size=$(stat -c %s "$state/$f")
    size=$((size > 32 + 55 ? size - 55 : 32))  # never the final record
    target=$f offset=$(( (RANDOM * 32768 + RANDOM) % size ))
    return
  fi
  f=${files[$((RANDOM % ${#files[@]}))]}
  size=$(stat -c %s "$state/$f")
  [ "$size" -gt 0 ] || return
  target=$f offset=$(( (RANDOM * 32768 + RANDOM) % size ))
}

# The first run makes the state directory.
start_writer
wait_for_acks 30 || { note "the first writer acknowledged nothing in 30 s: $(cat "$tmp/writer.err")"; exit 1; }
stop_writer; collect_acks
state=$(ls -d "$tmp"/j/*/ | head -1); state=${state%/}
replay --repair >/dev/null

start=$SECONDS
max_tries=$((faults * 4 + 20))
while { [ "$faults" -gt 0 ] && [ $round -lt "$faults" ]; } || { [ "$faults" -eq 0 ] && [ $((SECONDS - start)) -lt "$duration" ]; }; do
  if [ "$faults" -gt 0 ] && [ $tries -ge $max_tries ]; then
    problem "only $round of $faults faults injected in $tries tries"; break
  fi
  tries=$((tries + 1))
  round=$((round + 1))
  kind=${kinds[$((RANDOM % ${#kinds[@]}))]}
  [ "$kind" = read-only ] && [ $can_read_only -eq 0 ] && kind=kill-9
  count[$kind]=$((count[$kind] + 1))
  printf 'fault %d (%s): ' "$round" "$kind" >&2
  case $kind in
    kill-9)
      start_writer
      if ! wait_for_acks; then stop_writer; skip_fault "the writer acknowledged nothing before the kill: $(writer_said)"; continue; fi
      sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
      stop_writer; collect_acks
      check_crash >&2 ;;
    second-writer)
      start_writer
      if ! wait_for_acks; then stop_writer; skip_fault "the first writer acknowledged nothing: $(writer_said)"; continue; fi
      first=$writer
      timeout 20 "$swlab" "${common[@]}" --durability batch --duration 5 --out "$tmp/out/second-$tries" >/dev/null 2>"$tmp/second.err"
      rc2=$?
      if [ $rc2 -eq 0 ] || ! grep -q "$state is in use by another writer (pid $first)" "$tmp/second.err"; then
        problem "the second writer was not refused (exit $rc2): $(cat "$tmp/second.err")"
      fi
      sleep "0.$((RANDOM % 10))"
      stop_writer; collect_acks
      check_crash >&2 ;;
    full-disk)
      limit_kb=$((4 + RANDOM % 60))
      start_writer bash -c "trap '' XFSZ; ulimit -f $limit_kb; exec \"\$@\"" full-disk
      finish_writer 10; collect_acks
      # Injected only if the writer acknowledged commands and then its journal met
      # the limit (its run reports the failure: EFBIG, as ENOSPC would be).
      if ! acked_this_try || ! grep -q "journal failed.*File too large" "$tmp/writer.err"; then
        skip_fault "the writer did not acknowledge commands and then fail at the ${limit_kb} KB limit: $(writer_said)"
        continue
      fi
      check_crash >&2 ;;
    read-only)
      give_to_writer 65534:65534
      injected=1
      if [ $((RANDOM % 2)) -eq 0 ]; then  # unwritable from the start: refused, nothing changes
        chmod 555 "$state"
        start_writer "${as_writer[@]}"
        wait_writer 10
        # Refused by the state directory itself: its name, or a file in it, in the
        # message. A refusal naming only the --journal directory above it would be
        # a writer that never reached the fault.
        if [ $exited -eq 0 ] || ! grep -q "$state" "$tmp/writer.err"; then
          injected=0 why="the writer was not refused by the read-only state directory (exited by itself: $exited): $(writer_said)"
        fi
      else  # unwritable from a random moment: the engine stops, nothing acknowledged is lost
        start_writer "${as_writer[@]}"
        if wait_for_acks; then
          sleep "0.$((RANDOM % 10))"
          chmod 555 "$state"
          finish_writer 3
          grep -q "Permission denied" "$tmp/writer.err" ||
            injected=0 why="the writer did not write into the directory after it became read-only: $(writer_said)"
        else
          stop_writer
          injected=0 why="the writer acknowledged nothing before the directory became read-only: $(writer_said)"
        fi
      fi
      chmod 755 "$state"
      give_to_writer 0:0
      collect_acks
      if [ $injected -eq 0 ]; then skip_fault "$why"; continue; fi
      check_crash >&2 ;;
    truncate|bit-flip)
      replay --verify
      before_last=$(field last_seq) before_digest=$(field digest)
      pick_target "$kind"
      if [ -z "$target" ]; then skip_fault "nothing to damage yet"; continue; fi
      rm -rf "$tmp/backup"; cp -a "$state" "$tmp/backup"
      if [ "$kind" = truncate ]; then
        truncate -s "$offset" "$state/$target"
      else
        byte=$(od -An -tu1 -j "$offset" -N1 "$state/$target" | tr -d ' ')
        printf "$(printf '\\%03o' $((byte ^ (1 << (RANDOM % 8)))))" |
          dd of="$state/$target" bs=1 seek="$offset" conv=notrunc status=none
      fi
      printf '%s at byte %d: ' "$target" "$offset" >&2
      check_damage "$target" >&2
      rm -rf "$state"; mv "$tmp/backup" "$state" ;;
  esac
done

echo "chaos: $round faults injected in $((SECONDS - start)) s (seed $seed, $tries tries)"
line="  faults:"
for k in "${kinds[@]}"; do line+=" $k ${count[$k]},"; done
echo "${line%,}"
echo "  not injected $not_injected (each reported above; counted nowhere else)"
[ $can_read_only -eq 1 ] || echo "  (read-only faults left out: running as root without setpriv; counted as kill-9)"
echo "  recovered $recovered, refused $refused, lost $lost (must be 0), other problems $problems"
[ $lost -eq 0 ] && [ $problems -eq 0 ]
