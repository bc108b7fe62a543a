# shellcheck shell=bash disable=SC2034,SC2086
# Lab 3's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
title "lab 3: the single-writer engine"
engine lab3-single-writer threads
pass 70
e=lab3_single_writer
rule "lab 3's engine is yours: do not use the project's SingleWriterEngine or its factory" \
  "swlab::SingleWriterEngine<" "swlab::make_single_writer"
# First, and all or nothing: a memory-order mistake or a lost wake-up is not partly right.
model "the model checker: reply slot, ring, wake-up, admission" 20 "lab3.*"
part "the reply slot" 5 "Lab3Reply.*"
part "the engine loop: numbering, sleeping, wake-ups" 5 "Lab3Engine.*-Lab3Engine.OnlyBlockAndRejectAreAccepted"
part "admission: block and reject" 10 "Lab3Admission.*-Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
part "golden scripts and the reference model" 10 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, load, gap-free numbering" 10 "*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*LoadRun*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e"
strict "shutdown: what was admitted is served, the rest refused" 10 "*Concurrency.Shutdown*/$e:*LabEngine.Shutdown*/$e:Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
race "the race detector: reply slot, loop, admission, shutdown" 10 "Lab3Reply.*:Lab3Engine.*:Lab3Admission.*:*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Shutdown*/$e-Lab3Engine.OnlyBlockAndRejectAreAccepted"
# The tests that hunt lost wake-ups and shutdown races, again with other seeds.
repeat 5 "Lab3Reply.PingPongLosesNoWakeUp:Lab3Engine.RequestsArrivingAsTheEngineFallsAsleepAreServed:Lab3Engine.AnIdleEngineSleepsAndWakesForTheNextRequest:*Concurrency.Shutdown*:*LabEngine.Shutdown*:Lab3Admission.ShutdownAnswersCallersWaitingForRoom"
if [ -n "$hidden" ]; then p="--preset write-heavy --zipf 1.0"; else p="--preset balanced"; fi
perf "1 client x 8 in flight: throughput vs single-writer" 10 single-writer throughput 0.8 $p --threads 1 --window 8
perf "2 clients x 8 in flight: throughput vs single-writer" 10 single-writer throughput 0.8 $p --threads 2 --window 8
report "your engine against the mutex and the reference, closed loop" --engine lab3-single-writer,single-writer,mutex --preset balanced --threads 1,2
# Capacity 16 against 2 clients x 32 in flight: the engine holds fewer requests than the
# clients send, so `reject` sheds (at capacity 64 nothing was ever shed, and `reject`
# measured the same regime as `block`).
report "overload with reject (open loop at 3 M/s, 2 clients x 32, capacity 16)" --engine lab3-single-writer,single-writer --mode open --rate 3000000 --window 32 --threads 2 --overload reject --capacity 16
report "overload with block (the same)" --engine lab3-single-writer,single-writer --mode open --rate 3000000 --window 32 --threads 2 --overload block --capacity 16
# The handout's steps (docs/labs/lab3.md): the first whose tests or checks fail is named next.
step 2 "the reply slot (reply_slot.h)" "Lab3Reply.*:lab3.reply_slot"
step 3 "the ring, the engine loop, and submit without the bound" "lab3.ring:lab3.wake_up:Lab3Engine.*:*GoldenEngine*:*Differential*:*RandomStreams*:*Concurrency.BlockingCalls*:*LoadRun*"
step 4 "admission: the bound, the stop bit, block and reject" "lab3.admission:Lab3Admission.*:*Shutdown*:*Pipelined*:*Workload*"
step 5 "the race detector (ctest --preset tsan -L lab3)" "*"
writeup labs/lab3/writeup.md
