# shellcheck shell=bash disable=SC2034,SC2086
# Lab 2's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
title "lab 2: the reader-writer engine"
engine lab2-rwlock
pass 70
e=lab2_rwlock
rule "lab 2's engine is yours: do not use the project's LockedEngine" "swlab::LockedEngine<"
# First, and all or nothing: a memory-order mistake or a lost wake-up is not partly right.
model "the model checker: your writer-preferring lock" 20 "lab2.*"
part "locking: queries shared, updates exclusive, the visitor" 20 "Lab2Locking.*"
part "golden scripts and the reference model" 10 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, shutdown and load (both locks)" 10 "*Concurrency.BlockingCalls*/$e:*LoadRun.CountsEveryReply*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e:*Concurrency.Shutdown*/$e:*GoldenEngine*/${e}_wp:*Concurrency.BlockingCalls*/${e}_wp"
race "the race detector: locking and concurrency" 10 "Lab2Locking.*:*Concurrency.BlockingCalls*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e:*Concurrency.BlockingCalls*/${e}_wp"
# Torn reads by a reader that did not take the lock show up now and then: run it again.
repeat 3 "Lab2Locking.InvariantsHoldWhileReadersWatchWriters"
if [ -n "$hidden" ]; then
  perf "queries dominate: throughput vs rwlock" 15 rwlock throughput 0.8 --preset read-heavy --zipf 1.2 --threads 3
  perf "a mixed workload: throughput vs rwlock" 15 rwlock throughput 0.8 --preset cancel-heavy --threads 2
else
  perf "queries dominate: throughput vs rwlock" 15 rwlock throughput 0.8 --preset read-heavy --threads 2
  perf "a mixed workload: throughput vs rwlock" 15 rwlock throughput 0.8 --preset balanced --threads 2
fi
report "your engine against the mutex, and with your writer-preferring lock" --engine lab2-rwlock,lab2-rwlock-wp,mutex --preset read-heavy,balanced,write-heavy --threads 1,2,4
# The handout's steps (docs/labs/lab2.md): the first whose tests or checks fail is named next.
step 2 "execute and for_each_market under the lock (rwlock_engine.h)" "Lab2Locking.*:*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e:*LoadRun*/$e:*LabEngine.*/$e:*Concurrency.*/$e"
step 3 "the race detector (ctest --preset tsan -L lab2)" "*/$e"
step 5 "the writer-preferring lock (writer_preferring_lock.h)" "lab2.*:*/${e}_wp"
writeup labs/lab2/writeup.md
