# shellcheck shell=bash disable=SC2034,SC2086
# Lab 2's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grade.py.
title "lab 2: the reader-writer engine"
engine lab2-rwlock
pass 70
e=lab2_rwlock
part "locking: queries shared, updates exclusive, the visitor" 25 "Lab2Locking.*"
part "golden scripts and the reference model" 15 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, shutdown and load" 10 "*Concurrency.BlockingCalls*/$e:*LoadRun.CountsEveryReply*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e:*Concurrency.Shutdown*/$e"
race "the race detector: locking and concurrency" 20 "Lab2Locking.*:*Concurrency.BlockingCalls*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e"
# Torn reads by a reader that did not take the lock show up now and then: run it again.
repeat 3 "Lab2Locking.InvariantsHoldWhileReadersWatchWriters"
if [ -n "$hidden" ]; then
  perf "queries dominate: throughput vs rwlock" 15 rwlock throughput 0.8 --preset read-heavy --zipf 1.2 --threads 3
  perf "a mixed workload: throughput vs rwlock" 15 rwlock throughput 0.8 --preset cancel-heavy --threads 2
else
  perf "queries dominate: throughput vs rwlock" 15 rwlock throughput 0.8 --preset read-heavy --threads 2
  perf "a mixed workload: throughput vs rwlock" 15 rwlock throughput 0.8 --preset balanced --threads 2
fi
report "your engine against the mutex" --engine lab2-rwlock,mutex --preset read-heavy,balanced,write-heavy --threads 1,2,4
writeup labs/lab2/writeup.md
