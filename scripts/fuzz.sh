#!/usr/bin/env bash
# Builds the libFuzzer targets for the journal and snapshot decoders and the
# `swlab exec` protocol parser with clang (ASan + UBSan) and runs each for a
# bounded time on its committed seed corpus.
# Any crash, leak or sanitizer report fails (libFuzzer exits non-zero and leaves
# the input as crash-* / leak-* in build/fuzz/).
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
out=build/fuzz
mkdir -p "$out"
flags=(-std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iengines)

core=(engines/core/market.cpp engines/core/market_codec.cpp engines/core/exchange.cpp)
# The persistence layer whole: its files call each other (the manifest, the keyed text
# files, the file window), and a list by hand fell behind them once.
files=(engines/persistence/*.cpp)
clang++ "${flags[@]}" "${core[@]}" "${files[@]}" tests/fuzz/fuzz_journal.cpp -o "$out/fuzz_journal"
clang++ "${flags[@]}" "${core[@]}" "${files[@]}" \
  tests/fuzz/fuzz_snapshot.cpp -o "$out/fuzz_snapshot"
clang++ "${flags[@]}" "${core[@]}" engines/engine/engine.cpp engines/protocol/protocol.cpp engines/protocol/line_reader.cpp \
  tests/fuzz/fuzz_protocol.cpp -o "$out/fuzz_protocol"

for target in journal snapshot protocol; do
  work="$out/corpus-$target"  # new inputs go here; the committed corpus is only read
  mkdir -p "$work"
  echo "== fuzz_$target for ${seconds}s" >&2
  # Protocol inputs past a few lines only repeat what shorter ones reach, but 8 KiB
  # still crosses the 4096-byte line limit.
  extra=()
  [ "$target" = protocol ] && extra=(-max_len=8192)
  (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" \
      "corpus-$target" "../../tests/fuzz/corpus/$target") 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY|crash-|leak-" >&2 || true
  # grep above only trims the log; the fuzzer's own status decides.
  (cd "$out" && "./fuzz_$target" -runs=0 "corpus-$target" "../../tests/fuzz/corpus/$target" >/dev/null 2>&1) ||
    { echo "fuzz_$target: an input in the corpus fails" >&2; exit 1; }
  if ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* >/dev/null 2>&1; then
    echo "fuzz_$target found a failing input: $(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* 2>/dev/null)" >&2
    exit 1
  fi
done
echo "== fuzzing found nothing" >&2
