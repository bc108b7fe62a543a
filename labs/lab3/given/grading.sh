# shellcheck shell=bash disable=SC2034,SC2086
# Lab 3's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grade.py.
title "lab 3: the single-writer engine"
engine lab3-single-writer threads
pass 70
e=lab3_single_writer
part "the reply slot" 10 "Lab3Reply.*"
part "the engine loop: numbering, sleeping, wake-ups" 10 "Lab3Engine.*-Lab3Engine.OnlyBlockAndRejectAreAccepted"
part "admission: block and reject" 10 "Lab3Admission.*-Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
part "golden scripts and the reference model" 10 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, load, gap-free numbering" 10 "*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*LoadRun*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e"
strict "shutdown: what was admitted is served, the rest refused" 15 "*Concurrency.Shutdown*/$e:*LabEngine.Shutdown*/$e:Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
race "the race detector: reply slot, loop, admission, shutdown" 15 "Lab3Reply.*:Lab3Engine.*:Lab3Admission.*:*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Shutdown*/$e-Lab3Engine.OnlyBlockAndRejectAreAccepted"
# The tests that hunt lost wake-ups and shutdown races, again with other seeds.
repeat 5 "Lab3Reply.PingPongLosesNoWakeUp:Lab3Engine.RequestsArrivingAsTheEngineFallsAsleepAreServed:Lab3Engine.AnIdleEngineSleepsAndWakesForTheNextRequest:*Concurrency.Shutdown*:*LabEngine.Shutdown*:Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
if [ -n "$hidden" ]; then p="--preset write-heavy --zipf 1.0"; else p="--preset balanced"; fi
perf "1 client x 8 in flight: throughput vs single-writer" 10 single-writer throughput 0.8 $p --threads 1 --window 8
perf "2 clients x 8 in flight: throughput vs single-writer" 10 single-writer throughput 0.8 $p --threads 2 --window 8
report "your engine against the mutex and the reference, closed loop" --engine lab3-single-writer,single-writer,mutex --preset balanced --threads 1,2
report "overload with reject (open loop at 3 M/s, 2 clients x 32, capacity 64)" --engine lab3-single-writer,single-writer --mode open --rate 3000000 --window 32 --threads 2 --overload reject --capacity 64
report "overload with block (the same)" --engine lab3-single-writer,single-writer --mode open --rate 3000000 --window 32 --threads 2 --overload block --capacity 64
writeup labs/lab3/writeup.md
