#!/usr/bin/env bash
# The autograder of one lab: correctness first (the lab's tests, scored by part),
# then performance relative to the reference engine measured in the same run on
# the same machine (best of several runs, alternated with the reference; a ratio
# against a threshold, never an absolute number). Speed is graded here only, never
# in ctest. The write-up is graded by hand; this script only says whether it exists.
#
# usage: labs/grade.sh N [options]
#   --solution         grade the reference solution (labN/solution/) instead of the
#                      student's files: instructors, to see the full score
#   --submission DIR   grade a submission: copy a pristine copy of this tree to a
#                      temporary directory, put the files of labs/labN/FILES from DIR
#                      in it (DIR/labs/labN/x or DIR/x), build and grade that
#   --hidden           hidden workloads: other seeds and presets, for the tests
#                      (SWLAB_LAB_SEED) and the performance runs. The seed is
#                      $SWLAB_HIDDEN_SEED if set (the course's own), else random
#   --reps N           runs per performance case, best of N (default 5)
#   --duration S       measured seconds per run (default 0.5)
#   --quick            --reps 1 --duration 0.2, and no report tables
#   --no-perf          correctness only
#   --build DIR        use this build directory (configured with any flags you
#                      like) instead of the release preset's build/release
#
# Exit status: 0 when graded (whatever the score), 1 when the build failed,
# 2 on a usage error.
set -uo pipefail

usage() { awk '/^# usage:/,/^# 2 on a usage error/' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || usage
lab=$1
shift
[[ $lab =~ ^[1-9]$ ]] && [ -d "$here/lab$lab" ] || { echo "grade.sh: no lab '$lab' (labs/lab1 .. labs/lab6)" >&2; exit 2; }

variant=starter
submission=""
hidden=""
reps=5
duration=0.5
warmup=0.2
quick=""
perf=yes
build_dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --solution) variant=solution ;;
    --submission) [ $# -ge 2 ] || usage; submission=$(cd "$2" 2>/dev/null && pwd) || { echo "grade.sh: no directory $2" >&2; exit 2; }; shift ;;
    --hidden) hidden=yes ;;
    --reps) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || usage; reps=$2; shift ;;
    --duration) [ $# -ge 2 ] && [[ $2 =~ ^[0-9.]+$ ]] || usage; duration=$2; shift ;;
    --quick) quick=yes; reps=1; duration=0.2; warmup=0.1 ;;
    --no-perf) perf="" ;;
    --build) [ $# -ge 2 ] || usage; build_dir=$2; shift ;;
    -h|--help) usage ;;
    *) echo "grade.sh: unknown option $1" >&2; usage ;;
  esac
  shift
done
if [ "$variant" = solution ] && [ ! -d "$here/lab$lab/solution" ]; then
  echo "grade.sh: this tree has no labs/lab$lab/solution (a student handout)" >&2; exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the tree to grade ---------------------------------------------------------------
tree=$root
if [ -n "$submission" ]; then
  # A pristine copy of this tree (its build outputs and VCS data left out), then the
  # submission's files: only the ones labs/labN/FILES lists. Nothing else of the
  # submission is looked at, so frozen files are always the course's.
  tree=$tmp/tree
  mkdir -p "$tree"
  (cd "$root" && tar --exclude=./build --exclude=./.git -cf - .) | (cd "$tree" && tar -xf -)
  while read -r f; do
    [ -n "$f" ] || continue
    if [ -f "$submission/$f" ]; then cp "$submission/$f" "$tree/$f"
    elif [ -f "$submission/$(basename "$f")" ]; then cp "$submission/$(basename "$f")" "$tree/$f"
    else echo "grade.sh: the submission has no $f: grading the starter's" >&2
    fi
  done < "$here/lab$lab/FILES"
  [ -n "$build_dir" ] && echo "grade.sh: --build is ignored with --submission" >&2
  build_dir=""
fi

if [ -n "$hidden" ]; then
  seed=${SWLAB_HIDDEN_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}
  export SWLAB_LAB_SEED=$seed
else
  seed=1
  unset SWLAB_LAB_SEED
fi

# --- what the lab grades: parts and performance cases -----------------------------------
# labN/given/grading.sh calls these (and reads $hidden):
#   title TEXT
#   part NAME POINTS GTEST_FILTER          correctness: POINTS x (tests passed / tests run)
#   perf NAME POINTS REFERENCE METRIC THRESHOLD ARGS...
#                                          swlab-labN run ARGS, the lab's engine against
#                                          REFERENCE; METRIC throughput (higher is
#                                          better) or p99 (lower); full POINTS at a ratio
#                                          >= THRESHOLD, none at <= THRESHOLD/2, linear between
#   bench NAME POINTS CASE THRESHOLD       lab 6: lab6_bench's padded time / yours
#   report NAME ARGS...                    a table for the write-up (not scored)
#   measure NAME ARGS...                   lab 1: a sweep analysed by your lab1_analyze
#   writeup FILE
declare -a parts=() perfs=() benches=() reports=() measures=()
lab_title="lab $lab"
lab_engine=""
writeup_file=""
title() { lab_title=$1; }
engine() { lab_engine=$1; }
part() { parts+=("$1|$2|$3"); }
perf() { local n=$1 p=$2 r=$3 m=$4 t=$5; shift 5; perfs+=("$n|$p|$r|$m|$t|$*"); }
bench() { benches+=("$1|$2|$3|$4"); }
report() { local n=$1; shift; reports+=("$n|$*"); }
measure() { local n=$1; shift; measures+=("$n|$*"); }
writeup() { writeup_file=$1; }
# shellcheck source=/dev/null
. "$tree/labs/lab$lab/given/grading.sh"

excluded=""  # shared tests left out, as SWLAB_LABS_EXCLUDED_TESTS in labs/CMakeLists.txt
suffix=""; dash=""
[ "$variant" = solution ] && { suffix=_solution; dash=-solution; }
grade_bin=lab${lab}_grade_$variant
cli=swlab-lab$lab$dash

files=$(paste -sd' ' "$here/lab$lab/FILES")
if [ "$variant" = solution ]; then what="the reference solution (labs/lab$lab/solution/)"
elif [ -n "$submission" ]; then what="the submission in $submission"
else what="$files"; fi
echo "swlab $lab_title"
echo "grading: $what"
[ -n "$hidden" ] && echo "hidden workloads: seed $seed (SWLAB_LAB_SEED)"

# --- build ---------------------------------------------------------------------------
targets=("$grade_bin")
[ -n "$lab_engine" ] && targets+=("$cli")
[ ${#measures[@]} -gt 0 ] && targets+=(swlab "lab1_analyze$suffix")
[ ${#benches[@]} -gt 0 ] && targets+=("lab6_bench$suffix")
if [ -z "$build_dir" ]; then
  build_dir=$tree/build/release
  echo "build: $build_dir (release preset: -O2 -g -DNDEBUG)"
  (cd "$tree" && cmake --preset release) > "$tmp/configure.log" 2>&1 ||
    { tail -20 "$tmp/configure.log"; echo "score: 0 (cmake configure failed)"; exit 1; }
else
  echo "build: $build_dir"
fi
if ! cmake --build "$build_dir" --target "${targets[@]}" > "$tmp/build.log" 2>&1; then
  grep -E "error|Error" "$tmp/build.log" | head -20
  echo "score: 0 (the build failed: the first errors are above)"
  exit 1
fi
bin=$build_dir/labs

# --- correctness -----------------------------------------------------------------------
# A release build runs every lab test in well under a second or two: a test still
# running after 20 s has hung (the watchdog in labs/common/lab_main.cpp stops it).
export SWLAB_LAB_TEST_TIMEOUT_S=${SWLAB_LAB_TEST_TIMEOUT_S:-20}
fmt() { awk -v x="$1" 'BEGIN { printf "%.1f", x }'; }
total=0; total_max=0; corr=0; corr_max=0; all_correct=yes
echo
echo "correctness ($grade_bin; the race detector runs in 'ctest --preset tsan -L lab$lab')"
for p in "${parts[@]}"; do
  IFS='|' read -r name points filter <<< "$p"
  if [ -n "$excluded" ]; then
    if [[ $filter == *-* ]]; then filter="$filter:$excluded"; else filter="$filter-$excluded"; fi
  fi
  # Every test the part names counts, also the ones a crash or a hang kept from running.
  ran=$("$bin/$grade_bin" --gtest_filter="$filter" --gtest_list_tests 2>/dev/null | grep -c '^  ')
  out=$("$bin/$grade_bin" --gtest_filter="$filter" 2>&1)
  passed=$(grep -cE '^\[       OK \] ' <<< "$out")
  failed_all=$(grep -E '^\[  FAILED  \] .*(\([0-9]+ ms\)|\(watchdog\))$' <<< "$out" | sed -E 's/^\[  FAILED  \] //; s/, where GetParam.*//; s/ \([0-9]+ ms\)$//')
  failed_names=$(head -5 <<< "$failed_all")
  nfailed=$(grep -c . <<< "$failed_all")
  more=$((nfailed - 5))
  # A test that does not apply to the engine as written skips, with the reason (a
  # pipelined test when asynchronous() is false): it scores nothing, like a failure.
  skipped_all=$(grep -E '^\[  SKIPPED \] .*\([0-9]+ ms\)$' <<< "$out" | sed -E 's/^\[  SKIPPED \] //; s/ \([0-9]+ ms\)$//')
  nskipped=$(grep -c . <<< "$skipped_all")
  not_run=$((ran - passed - nfailed - nskipped))
  if [ "$ran" -eq 0 ]; then score=0; else score=$(awk -v p="$points" -v a="$passed" -v r="$ran" 'BEGIN { print p * a / r }'); fi
  [ "$passed" -eq "$ran" ] && [ "$ran" -gt 0 ] || all_correct=""
  printf '  %-58s %3d/%-3d tests %6s/%s\n' "$name" "$passed" "$ran" "$(fmt "$score")" "$points"
  while read -r f; do [ -n "$f" ] && printf '      failed: %s\n' "$f"; done <<< "$failed_names"
  [ "$more" -gt 0 ] && printf '      ... and %d more\n' "$more"
  while read -r f; do [ -n "$f" ] && printf '      skipped (does not apply to the engine as written): %s\n' "$f"; done <<< "$skipped_all"
  [ "$not_run" -gt 0 ] && printf '      %d did not finish: the test binary stopped (a crash?); run it: %s\n' \
    "$not_run" "$bin/$grade_bin --gtest_filter='$filter'"
  corr=$(awk -v a="$corr" -v b="$score" 'BEGIN { print a + b }'); corr_max=$((corr_max + points))
done
total=$corr; total_max=$corr_max

# --- performance ---------------------------------------------------------------------------
value_of() {  # summary.csv METRIC -> the value of the (single) run
  awk -F, -v m="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                     { print (m == "p99" ? $c["p99_ns"] : $c["throughput"]) }' "$1" | head -1
}
human() {  # METRIC VALUE
  awk -v m="$1" -v v="$2" 'BEGIN { if (m == "p99") { if (v >= 1e6) printf "%.2f ms", v / 1e6; else if (v >= 1e3) printf "%.2f us", v / 1e3; else printf "%d ns", v }
                                   else if (v >= 1e6) printf "%.2f M/s", v / 1e6; else printf "%.1f k/s", v / 1e3 }'
}
one_run() {  # ENGINE ARGS... -> prints the metric's value, or nothing on failure
  local e=$1; shift
  local out=$tmp/run.$RANDOM$RANDOM
  local args=("${@//@JOURNAL@/$out.journal}")  # a fresh journal directory per run
  "$bin/$cli" run --engine "$e" --duration "$duration" --warmup "$warmup" --seed "$seed" --quiet --out "$out" "${args[@]}" \
    > "$out.log" 2>&1 || { sed 's/^/      /' "$out.log" | tail -3 >&2; return; }
  value_of "$out/summary.csv" "$metric"
}
perf_total=0; perf_max=0
for p in "${perfs[@]}" "${benches[@]}"; do perf_max=$((perf_max + $(cut -d'|' -f2 <<< "$p"))); done
if [ $((${#perfs[@]} + ${#benches[@]})) -gt 0 ]; then
  echo
  cpus=$(nproc)
  if [ -z "$perf" ]; then
    echo "performance: not run (--no-perf)"
  elif [ -z "$all_correct" ]; then
    echo "performance: not run: every correctness test must pass first (a fast wrong engine scores nothing)"
  else
    if [ ${#perfs[@]} -gt 0 ]; then
      echo "performance (best of $reps, alternated with the reference, ${duration} s each; $cpus logical CPUs)"
    else
      echo "performance (lab6_bench: best of $reps, the layouts alternated; $cpus logical CPUs)"
    fi
    if [ "$cpus" -lt 4 ] && [ -n "$lab_engine" ]; then
      echo "  note: on $cpus logical CPUs an engine with threads of its own is oversubscribed and its timings"
      echo "  are bimodal (the engine thread sleeps or spins); the course grades on a bigger machine, --reps 5"
    fi
    for p in "${perfs[@]}"; do
      IFS='|' read -r name points ref metric threshold args <<< "$p"
      best_mine=""; best_ref=""
      for r in $(seq 1 "$reps"); do
        if [ $((r % 2)) -eq 1 ]; then order="$lab_engine $ref"; else order="$ref $lab_engine"; fi
        for e in $order; do
          # shellcheck disable=SC2086
          v=$(one_run "$e" $args)
          [ -n "$v" ] || continue
          if [ "$e" = "$lab_engine" ]; then cur=$best_mine; else cur=$best_ref; fi
          better=$(awk -v m="$metric" -v v="$v" -v c="$cur" 'BEGIN { print (c == "" || (m == "p99" ? v < c : v > c)) ? 1 : 0 }')
          if [ "$better" = 1 ]; then
            if [ "$e" = "$lab_engine" ]; then best_mine=$v; else best_ref=$v; fi
          fi
        done
      done
      if [ -z "$best_mine" ] || [ -z "$best_ref" ]; then
        printf '  %-44s a run failed: 0/%s\n' "$name" "$points"
        continue
      fi
      ratio=$(awk -v m="$metric" -v a="$best_mine" -v b="$best_ref" 'BEGIN { print (m == "p99" ? b / a : a / b) }')
      score=$(awk -v r="$ratio" -v t="$threshold" -v p="$points" 'BEGIN { f = (r >= t) ? 1 : (r <= t / 2 ? 0 : (r - t / 2) / (t / 2)); print p * f }')
      printf '  %-44s %s %-10s %s %-10s ratio %.2f (full at %.2f) %6s/%s\n' "$name" "$lab_engine" "$(human "$metric" "$best_mine")" \
        "$ref" "$(human "$metric" "$best_ref")" "$ratio" "$threshold" "$(fmt "$score")" "$points"
      perf_total=$(awk -v a="$perf_total" -v b="$score" 'BEGIN { print a + b }')
    done
    if [ ${#benches[@]} -gt 0 ]; then
      "$bin/lab6_bench$suffix" --reps "$reps" > "$tmp/bench.txt" 2>&1 || { cat "$tmp/bench.txt"; }
      for p in "${benches[@]}"; do
        IFS='|' read -r name points case threshold <<< "$p"
        packed=$(awk -v c="$case" '$1 == c && $2 == "packed" { print $3 }' "$tmp/bench.txt")
        padded=$(awk -v c="$case" '$1 == c && $2 == "padded" { print $3 }' "$tmp/bench.txt")
        yours=$(awk -v c="$case" '$1 == c && $2 == "yours" { print $3 }' "$tmp/bench.txt")
        ratio=$(awk -v a="$padded" -v b="$yours" 'BEGIN { print a / b }')
        score=$(awk -v r="$ratio" -v t="$threshold" -v p="$points" 'BEGIN { f = (r >= t) ? 1 : (r <= t / 2 ? 0 : (r - t / 2) / (t / 2)); print p * f }')
        printf '  %-40s yours %.2f ns  padded %.2f ns  packed %.2f ns  ratio %.2f (full at %.2f) %6s/%s\n' "$name" "$yours" "$padded" \
          "$packed" "$ratio" "$threshold" "$(fmt "$score")" "$points"
        perf_total=$(awk -v a="$perf_total" -v b="$score" 'BEGIN { print a + b }')
      done
    fi
  fi
  total=$(awk -v a="$total" -v b="$perf_total" 'BEGIN { print a + b }')
  total_max=$((total_max + perf_max))
fi

# --- tables for the write-up (not scored) -------------------------------------------------
if [ -n "$perf" ] && [ -z "$quick" ] && [ -n "$all_correct" ]; then
  for r in "${reports[@]}"; do
    IFS='|' read -r name args <<< "$r"
    echo
    echo "report: $name (not scored; for your write-up)"
    args=${args//@JOURNAL@/$tmp/report.journal.$RANDOM}
    # shellcheck disable=SC2086
    "$bin/$cli" run $args --duration "$duration" --warmup "$warmup" --seed "$seed" --quiet --out "$tmp/report.$RANDOM" 2>&1 |
      grep -vE '^$|^results:' | sed 's/^/  /'
  done
  for m in "${measures[@]}"; do
    IFS='|' read -r name args <<< "$m"
    echo
    echo "measurement: $name (not scored; for your write-up)"
    # shellcheck disable=SC2086
    if "$build_dir/swlab" sweep $args --duration "$duration" --warmup "$warmup" --seed "$seed" --quiet --out "$tmp/sweep" > "$tmp/sweep.log" 2>&1; then
      "$bin/lab1_analyze$suffix" "$tmp/sweep/summary.csv" 2>&1 | sed '/./s/^/  /'
    else
      sed 's/^/  /' "$tmp/sweep.log" | tail -5
    fi
  done
fi

# --- write-up -----------------------------------------------------------------------------
if [ -n "$writeup_file" ]; then
  echo
  wf=$tree/$writeup_file
  if [ "$variant" = solution ]; then
    echo "write-up: graded by hand (docs/labs/instructors.md says what a good one shows)"
  elif [ ! -f "$wf" ]; then
    echo "write-up: $writeup_file is missing (graded by hand)"
  elif grep -q "TODO(lab$lab)" "$wf"; then
    echo "write-up: $writeup_file still has TODO(lab$lab) markers: not finished (graded by hand)"
  else
    echo "write-up: $writeup_file, $(wc -w < "$wf") words (graded by hand)"
  fi
fi

echo
printf 'score: %s/%s (correctness %s/%s' "$(fmt "$total")" "$total_max" "$(fmt "$corr")" "$corr_max"
[ "$perf_max" -gt 0 ] && printf ', performance %s/%s' "$(fmt "$perf_total")" "$perf_max"
printf ')'
[ -n "$writeup_file" ] && printf ' + write-up (by hand)'
echo
exit 0
