#!/usr/bin/env bash
# Issue 25, what a state directory must know about itself. Before, each of these
# replayed or ran with exit 0 and lost or remapped history:
#   - shard-1 of a 3-shard journal deleted ("total 2 shards", 109 commands gone);
#     an extra shard directory; --shards 3 then --shards 2 on the same journal and
#     run id (markets moved between shards, shard-2 left stale);
#   - the last segment deleted (every restart starts one: a whole run gone), or
#     cut back to its header after a clean close;
#   - a sparse 4 GiB snapshot with a valid payload CRC (std::bad_alloc, exit 134
#     under a 3 GB limit).
# And what must still work: journals and sharded directories written before the
# manifest and the layout record are read, with a note saying what went unchecked.
set -uo pipefail
swlab=$1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad() { echo "FAIL: $*"; fail=1; }
check() {  # check NAME WANT_RC WANT_STDERR_SUBSTRING RC STDERR
  local name=$1 want_rc=$2 want_err=$3 rc=$4 err=$5
  [ "$rc" = "$want_rc" ] || bad "$name: exit $rc, want $want_rc ($err)"
  [[ "$err" == *"$want_err"* ]] || bad "$name: stderr '$err' lacks '$want_err'"
}
common=(--threads 2 --markets 6 --accounts 20 --probe 0 --quiet --durability none --warmup-commands 0)
run() {  # run JOURNAL ENGINE [flags...]: one run on JOURNAL; rc and err
  local j=$1 e=$2; shift 2
  "$swlab" run --engine "$e" "${common[@]}" --commands 1500 --journal "$tmp/$j" --out "$tmp/out.$RANDOM$RANDOM" "$@" \
      >/dev/null 2>"$tmp/run.err"
  rc=$?; err=$(cat "$tmp/run.err")
}
replay() { out=$(timeout 120 "$swlab" replay "$@" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err"); }
only_run_dir() { local d; d=$(ls -d "$tmp/$1"/*/); [ "$(wc -l <<<"$d")" = 1 ] || bad "$1: expected one run directory: $d"; echo "${d%/}"; }

# 1. A deleted shard, an extra one.
run s3 sharded-single-writer --shards 3 --snapshot-every 200
[ $rc -eq 0 ] || { echo "FAIL: setup: $err"; exit 1; }
d=$(only_run_dir s3)
cp -a "$d" "$tmp/s3.copy"
replay --dir "$d" --verify; check "a whole 3-shard directory" 0 "" $rc "$err"
grep -q '^total      3 shards' <<<"$out" || bad "3-shard total: $out"
rm -rf "$d/shard-1"
replay --dir "$d"; check "a deleted shard" 1 "$d/shard-1 is missing" $rc "$err"
[[ "$err" == *"3 shards of 6 markets"* ]] || bad "a deleted shard: the expected layout is not given: $err"
rm -rf "$d"; cp -a "$tmp/s3.copy" "$d"
cp -a "$d/shard-2" "$d/shard-3"
replay --dir "$d"; check "an extra shard" 1 "$d/shard-3 is not part of the layout" $rc "$err"
rm -rf "$d/shard-3"

# 2. The same journal and run id with another shard count: refused before any shard is touched.
before=$(ls -l --time-style=+%s.%N "$d"/shard-*/ | md5sum)
run s3 sharded-single-writer --shards 2
[ $rc -ne 0 ] || bad "--shards 3 then --shards 2 on one journal exited 0"
[[ "$err" == *"$d holds 3 shards of 6 markets"* ]] || bad "--shards 2: '$err' does not say what the directory holds"
[ "$(ls -l --time-style=+%s.%N "$d"/shard-*/ | md5sum)" = "$before" ] || bad "--shards 2 changed the shards"
d=$(only_run_dir s3)
replay --dir "$d" --verify; check "the 3-shard directory after the refused run" 0 "" $rc "$err"

# 3. A sharded directory from before the layout record: read, with a note; one
# that the old bug remapped is caught by its records.
rm "$d/swlab.shards"
replay --dir "$d"; check "a sharded directory without swlab.shards" 0 "has no swlab.shards" $rc "$err"
rm -rf "$d/shard-2"
replay --dir "$d"; check "an unrecorded directory missing its last shard" 1 "which the layout gives to shard-" $rc "$err"

# 4. The journal's end: a deleted last segment, a last segment cut to its header.
run sw single-writer && run sw single-writer
[ $rc -eq 0 ] || { echo "FAIL: setup: $err"; exit 1; }
d=$(only_run_dir sw)
cp -a "$d" "$tmp/sw.copy"
last=$(ls "$d"/journal-*.swj | tail -1)
[ "$(ls "$d"/journal-*.swj | wc -l)" -ge 2 ] || bad "a restart did not start a new segment"
rm "$last"
replay --dir "$d"; check "a deleted last segment" 1 "$last is missing" $rc "$err"
rm -rf "$d"; cp -a "$tmp/sw.copy" "$d"
truncate -s 32 "$last"
replay --dir "$d"; check "a last segment cut to its header" 1 "journal.manifest records seq" $rc "$err"
rm -rf "$d"; cp -a "$tmp/sw.copy" "$d"
rm "$d/journal.manifest"
replay --dir "$d" --verify; check "a journal without a manifest" 0 "has no journal.manifest" $rc "$err"

# 5. A sparse 4 GiB snapshot whose payload CRC is valid, as the newest: refused by
# name, before allocating, under a 3 GB address-space limit (not for a sanitizer's
# build: its shadow memory needs more address space than that).
run huge single-writer --snapshot-every 300
[ $rc -eq 0 ] || { echo "FAIL: setup: $err"; exit 1; }
d=$(only_run_dir huge)
snap=$(ls "$d"/snapshot-*.sws | tail -1)
/usr/bin/python3 - "$snap" <<'EOF' || bad "could not build the huge snapshot"
import struct, sys
POLY = 0x82F63B78
T = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    T.append(c)
def crc(data):
    c = 0xFFFFFFFF
    for b in data:
        c = T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
def times(mat, vec):
    s, i = 0, 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s
def square(mat):
    return [times(mat, mat[n]) for n in range(32)]
def combine(c1, c2, len2):  # CRC of A || B from those of A and B (zlib's crc32_combine)
    odd = [POLY] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if len2 & 1:
            c1 = times(even, c1)
        len2 >>= 1
        if not len2:
            break
        odd = square(even)
        if len2 & 1:
            c1 = times(odd, c1)
        len2 >>= 1
        if not len2:
            break
    return c1 ^ c2
path = sys.argv[1]
header = open(path, "rb").read(40)
if crc(header[:36]) != struct.unpack_from("<I", header, 36)[0]:
    sys.exit("this CRC32C does not match swlab's header checksum")
block, n = crc(b"\0"), 1  # CRC of 2^32 zero bytes, by doubling
while n < 1 << 32:
    block, n = combine(block, block, n), 2 * n
h = bytearray(header[:36])
struct.pack_into("<QI", h, 24, 1 << 32, block)
h += struct.pack("<I", crc(bytes(h)))
with open(path, "r+b") as f:
    f.write(h)
    f.truncate(40)  # the payload all zeros, and sparse
    f.truncate(40 + (1 << 32))
EOF
limit=(ulimit -v 3000000)
grep -aq -m1 -e __asan_init -e __tsan_init "$swlab" && limit=(true)
start=$SECONDS
out=$("${limit[@]}"; timeout 120 "$swlab" replay --dir "$d" 2>"$tmp/err"); rc=$?; err=$(cat "$tmp/err")
check "a sparse 4 GiB snapshot with a valid CRC" 1 "snapshot $snap: trailing bytes" $rc "$err"
[ $((SECONDS - start)) -le 60 ] || bad "the 4 GiB snapshot took $((SECONDS - start)) s to refuse"
exit $fail
