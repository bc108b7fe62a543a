#!/usr/bin/env bash
# Issue 25, "symlinks are followed": a symbolic link planted where swlab creates,
# replaces or reads a file of a state or results directory. Before, the lock's
# target was overwritten with "pid N" (replay --repair, replay --snapshot, run
# --journal), a planted snapshot-<seq>.sws.tmp or results.json.tmp made the
# target receive the snapshot's or the results' bytes, a link under the final
# snapshot name was read as the snapshot, stale .tmp files stayed, and a link was
# accepted as a segment. Now every one is refused with its path, or removed (a
# .tmp is the writer's own name), and no target changes.
set -uo pipefail
swlab=$1
fail=0
tmp=$(mktemp -d)
writer=
cleanup() { [ -n "$writer" ] && kill -9 "$writer" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
bad() { echo "FAIL: $*"; fail=1; }
check() {  # check NAME WANT_RC WANT_STDERR_SUBSTRING RC STDERR
  local name=$1 want_rc=$2 want_err=$3 rc=$4 err=$5
  [ "$rc" = "$want_rc" ] || bad "$name: exit $rc, want $want_rc ($err)"
  [[ "$err" == *"$want_err"* ]] || bad "$name: stderr '$err' lacks '$want_err'"
}
victim=$tmp/someone-elses-file
reset_victim() { echo "not yours" > "$victim"; }
victim_untouched() { [ "$(cat "$victim")" = "not yours" ] || bad "$1: the link's target was written: $(head -c 80 "$victim" | tr -c '[:print:]' '.')"; }
common=(--engine single-writer --threads 2 --markets 2 --accounts 20 --probe 0 --quiet --durability none)
fresh() {  # fresh NAME: the state directory of a finished run, printed
  "$swlab" run "${common[@]}" --commands 2000 --warmup-commands 0 --snapshot-every 500 \
      --journal "$tmp/$1" --out "$tmp/out-$1" >/dev/null 2>&1 || { echo "FAIL: setup run $1"; exit 1; }
  local d
  d=$(ls -d "$tmp/$1"/*/)
  echo "${d%/}"
}
replay() { out=$(timeout 120 "$swlab" replay "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }
last_seq() { awk '$1 == "last_seq" {print $2}' <<<"$out"; }

# 1. DIR/swlab.lock a link: replay --repair, replay --snapshot, run --journal.
d=$(fresh lock)
for flag in --repair --snapshot; do
  reset_victim
  ln -sf "$victim" "$d/swlab.lock"
  replay --dir "$d" $flag
  check "replay $flag with a linked lock" 1 "$d/swlab.lock is a symbolic link" $rc "$err"
  victim_untouched "replay $flag"
done
reset_victim
"$swlab" run "${common[@]}" --commands 500 --warmup-commands 0 --journal "$tmp/lock" --out "$tmp/out-lock2" \
    >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] || bad "run --journal with a linked lock exited 0"
grep -q "$d/swlab.lock is a symbolic link" "$tmp/err" || bad "run --journal: '$(cat "$tmp/err")' does not name the lock"
victim_untouched "run --journal"

# 2. A link planted as the snapshot's .tmp: removed, the snapshot written beside it.
d=$(fresh tmpsnap)
replay --dir "$d"; seq=$(last_seq)
reset_victim
ln -s "$victim" "$d/snapshot-$(printf %020d "$seq").sws.tmp"
replay --dir "$d" --snapshot
check "replay --snapshot with a linked .tmp" 0 "" $rc "$err"
victim_untouched "a linked snapshot .tmp"
[ -f "$d/snapshot-$(printf %020d "$seq").sws" ] && [ ! -L "$d/snapshot-$(printf %020d "$seq").sws" ] ||
  bad "the snapshot is not a regular file: $(ls -l "$d")"

# 3. The final snapshot name a link: not written through, not read as a snapshot.
d=$(fresh finalsnap)
replay --dir "$d"; seq=$(last_seq)
snap=$d/snapshot-$(printf %020d "$seq").sws
reset_victim
rm -f "$snap"; ln -s "$victim" "$snap"
replay --dir "$d" --snapshot
check "replay --snapshot onto a linked snapshot name" 1 "$snap is a symbolic link" $rc "$err"
victim_untouched "a linked snapshot name"
newest=$(ls "$d" | grep '^snapshot-.*\.sws$' | grep -v "$(basename "$snap")" | tail -1)
rm -f "$snap"; cp "$d/$newest" "$tmp/snapcopy"; rm "$d/$newest"; ln -s "$tmp/snapcopy" "$d/$newest"
replay --dir "$d"
check "a linked snapshot, read" 1 "$d/$newest is a symbolic link" $rc "$err"

# 4. Stale .tmp files: the lock holder removes them before it writes.
d=$(fresh stale)
for f in swlab.meta.tmp journal.manifest.tmp "journal-$(printf %020d 99999).swj.tmp" "snapshot-$(printf %020d 99998).sws.tmp"; do
  echo half > "$d/$f"
done
replay --dir "$d" --snapshot
check "replay --snapshot with stale .tmp files" 0 "" $rc "$err"
left=$(ls "$d" | grep '\.tmp$')
[ -z "$left" ] || bad "stale .tmp files left behind: $left"

# 5. A link as a segment: refused by name, even with the very same bytes behind it.
d=$(fresh linkseg)
seg=$(ls "$d"/journal-*.swj | head -1)
cp "$seg" "$tmp/segcopy"; rm "$seg"; ln -s "$tmp/segcopy" "$seg"
replay --dir "$d"
check "a linked segment" 1 "$seg is a symbolic link" $rc "$err"

# 6. A link planted as results.json.tmp in --out while the run goes: removed, the
# results written as regular files, the target untouched.
reset_victim
"$swlab" run "${common[@]}" --duration 2 --warmup 0 --out "$tmp/out-live" >/dev/null 2>"$tmp/run.err" &
writer=$!
for _ in $(seq 1 200); do [ -d "$tmp/out-live" ] && break; sleep 0.02; done
[ -d "$tmp/out-live" ] || bad "the run did not create its --out directory"
ln -s "$victim" "$tmp/out-live/results.json.tmp"
ln -s "$victim" "$tmp/out-live/summary.csv.tmp"
wait "$writer"; rc=$?; writer=
[ $rc -eq 0 ] || bad "the run with planted .tmp links exited $rc: $(cat "$tmp/run.err")"
victim_untouched "a planted results.json.tmp"
for f in results.json summary.csv; do
  [ -f "$tmp/out-live/$f" ] && [ ! -L "$tmp/out-live/$f" ] && [ -s "$tmp/out-live/$f" ] || bad "$f is not a regular, non-empty file"
done
exit $fail
