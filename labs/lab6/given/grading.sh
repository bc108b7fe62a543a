# shellcheck shell=bash disable=SC2034,SC2086
# Lab 6's grading (sourced by labs/grade.sh; frozen).
title "lab 6 (optional): false sharing and padding"
part "the hot counters are a line apart" 20 "Lab6Layout.TheTwoHotCountersAreACacheLineApart"
part "nothing else shares the hot counters' lines" 20 "Lab6Layout.NothingElseSharesTheHotCountersLines"
part "per-thread statistics never share a line" 20 "Lab6Layout.ThreadStatsInAnArrayNeverShareALine"
bench "hot counters (producer and consumer at once)" 20 hot_counters 0.8
bench "per-thread statistics in an array" 20 thread_stats 0.8
writeup labs/lab6/writeup.md
