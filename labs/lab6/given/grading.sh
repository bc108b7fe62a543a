# shellcheck shell=bash disable=SC2034,SC2086
# Lab 6's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
title "lab 6 (optional): false sharing and padding"
pass 70
part "the hot counters are a line apart" 20 "Lab6Layout.TheTwoHotCountersAreACacheLineApart"
part "nothing else shares the hot counters' lines" 20 "Lab6Layout.NothingElseSharesTheHotCountersLines"
part "per-thread statistics never share a line" 15 "Lab6Layout.ThreadStatsInAnArrayNeverShareALine"
race "exact sums, under the race detector" 5 "Lab6Layout.TheFieldsKeepTheirMeaning:Lab6Layout.ConcurrentIncrementsAllLand"
bench "hot counters (producer and consumer at once)" 20 hot_counters 0.8
bench "per-thread statistics in an array" 20 thread_stats 0.8
writeup labs/lab6/writeup.md
