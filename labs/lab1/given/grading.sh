# shellcheck shell=bash disable=SC2034,SC2086
# Lab 1's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
title "lab 1: measure the baseline"
pass 70
part "per_1000, median, tail_ratio" 20 "Lab1Basics.*"
part "summarize: grouping and medians (synthetic fixture)" 25 "Lab1Synthetic.SummarizeGroupsAndTakesMedians"
part "tail_knee, speedups, explain (synthetic fixture)" 25 "Lab1Synthetic.KneeSpeedupsAndCauses"
part "the real sweep (mutex engine, 2-core machine)" 15 "Lab1Measured.*"
part "generated series with planted knees" 15 "Lab1Generated.*"
if [ -n "$hidden" ]; then
  measure "the mutex engine on this machine" --engine mutex --threads 1,2,4,8 --preset write-heavy,cancel-heavy --zipf 1.0 --repetitions 3
else
  measure "the mutex engine on this machine" --engine mutex --threads 1,2,4,8 --preset balanced,hot-market,read-heavy --repetitions 3
fi
writeup labs/lab1/writeup.md
