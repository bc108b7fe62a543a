#!/usr/bin/env bash
# swlab replay against what issue 12 found it trusting or fumbling: a second
# writer, a damaged swlab.meta, a renamed snapshot, absurd sizes, files that are
# not regular files, a sharded run, a directory of runs, --until past the end.
# Each case exited 0 with a wrong answer, hung or aborted before.
set -uo pipefail
swlab=$1
fail=0
tmp=$(mktemp -d)
writer=
cleanup() { [ -n "$writer" ] && kill -9 "$writer" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
check() {  # check NAME WANT_RC WANT_STDERR_SUBSTRING RC STDERR
  local name=$1 want_rc=$2 want_err=$3 rc=$4 err=$5
  if [ "$rc" != "$want_rc" ]; then echo "FAIL: $name: exit $rc, want $want_rc ($err)"; fail=1; fi
  if [[ "$err" != *"$want_err"* ]]; then echo "FAIL: $name: stderr '$err' lacks '$want_err'"; fail=1; fi
}
common=(--threads 2 --markets 2 --accounts 20 --probe 0 --quiet --durability none)
fresh() {  # fresh NAME: a state directory of a finished run, printed
  "$swlab" run --engine single-writer "${common[@]}" --commands 2000 --warmup-commands 0 --snapshot-every 500 \
      --journal "$tmp/$1" --out "$tmp/out-$1" >/dev/null 2>&1 || { echo "FAIL: setup run $1"; exit 1; }
  local d
  d=$(ls -d "$tmp/$1"/*/)
  echo "${d%/}"
}
replay() { out=$(timeout 60 "$swlab" replay "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }

# 1. --repair or --snapshot while a writer holds the directory: refused at once.
"$swlab" run --engine single-writer "${common[@]}" --duration 30 --warmup 0 --journal "$tmp/busy" --out "$tmp/out-busy" \
    >/dev/null 2>&1 &
writer=$!
for _ in $(seq 1 200); do grep -qs pid "$tmp"/busy/*/swlab.lock && break; sleep 0.05; done
d=$(ls -d "$tmp"/busy/*/)
replay --dir "$d" --repair; check "--repair under a writer" 2 "is in use by another writer (pid $writer)" $rc "$err"
replay --dir "$d" --snapshot; check "--snapshot under a writer" 2 "in use by another writer" $rc "$err"
kill -9 "$writer"; wait "$writer" 2>/dev/null; writer=
replay --dir "$d" --repair; check "--repair once the writer is gone" 0 "" $rc "$err"

# 2. swlab.meta out of bounds or damaged.
d=$(fresh meta)
printf 'swlab-state 1\nmarkets 0\n' > "$d/swlab.meta"
replay --dir "$d"; check "markets 0" 1 "$d/swlab.meta at byte 22: markets 0 is outside 1..4096" $rc "$err"
printf 'swlab-state 1\nmarkets -8\n' > "$d/swlab.meta"
replay --dir "$d"; check "markets -8" 1 "markets is not a decimal count" $rc "$err"

# 3. A snapshot renamed to a lower seq.
d=$(fresh renamed)
snap=$(ls "$d" | grep '^snapshot-.*\.sws$' | tail -1)
for s in $(ls "$d" | grep '^snapshot-.*\.sws$'); do [ "$s" = "$snap" ] || rm "$d/$s"; done
mv "$d/$snap" "$d/snapshot-00000000000000000010.sws"
replay --dir "$d" --until 1500; check "a renamed snapshot" 1 "its name says seq 10" $rc "$err"

# 4. A 200 GB sparse last segment, a sparse snapshot.
d=$(fresh huge)
seg=$(ls "$d"/journal-*.swj | tail -1)
truncate -s 200G "$seg"
replay --dir "$d"; check "a 200 GB segment" 1 "$seg at byte 1073741824" $rc "$err"
d=$(fresh sparse)
snap=$(ls "$d"/snapshot-*.sws | tail -1)
truncate -s 1500M "$snap"
replay --dir "$d"; check "a 1.5 GB sparse snapshot" 1 "does not match the file" $rc "$err"

# 5. Not regular files: a fifo named like a segment, a directory named like a snapshot.
d=$(fresh fifo)
mkfifo "$d/journal-00000000000099999999.swj"
replay --dir "$d"; check "a fifo segment" 1 "is a fifo, not a regular file" $rc "$err"
d=$(fresh dirsnap)
mkdir "$d/snapshot-00000000000099999999.sws"
replay --dir "$d"; check "a directory snapshot" 1 "is a directory, not a regular file" $rc "$err"

# 10. A sharded run's directory: a line per shard and a total.
"$swlab" run --engine sharded-single-writer:shards=2 "${common[@]}" --commands 1000 --warmup-commands 0 --journal "$tmp/sharded" \
    --out "$tmp/out-sharded" >/dev/null 2>&1 || { echo "FAIL: sharded setup run"; fail=1; }
d=$(ls -d "$tmp"/sharded/*/)
replay --dir "$d" --verify
check "a sharded run" 0 "" $rc "$err"
[ "$(grep -c '^shard-[01] .*last_seq [0-9]*, digest [0-9a-f]\{16\}.*invariants ok$' <<<"$out")" = 2 ] &&
  grep -q '^total      2 shards, commands [0-9]*$' <<<"$out" || { echo "FAIL: sharded output: $out"; fail=1; }
mv "$d/shard-1/swlab.meta" "$tmp/meta.saved"
replay --dir "$d"; check "a shard without its swlab.meta" 1 "shard-1 holds no swlab state" $rc "$err"
grep -q '^shard-1    FAILED$' <<<"$out" && grep -q '1 FAILED$' <<<"$out" || { echo "FAIL: a missing shard was skipped: $out"; fail=1; }
mv "$tmp/meta.saved" "$d/shard-1/swlab.meta"
replay --dir "$tmp/sharded"; check "a directory of runs" 2 "holds run directories; replay one of them:" $rc "$err"
[[ "$err" == *"$d"* || "$err" == *"${d%/}"* ]] || { echo "FAIL: the run directory is not listed: $err"; fail=1; }
replay --dir "$d" --until 5; check "--until on a sharded run" 2 "numbers its own commands" $rc "$err"
mkdir "$tmp/empty"
replay --dir "$tmp/empty"; check "no state" 2 "holds no swlab state" $rc "$err"
d=$(fresh until)
replay --dir "$d" --until 999999999; check "--until past the end" 0 "stopped at the last record, seq" $rc "$err"
exit $fail
