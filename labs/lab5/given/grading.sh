# shellcheck shell=bash disable=SC2034,SC2086
# Lab 5's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
# @JOURNAL@ becomes a fresh directory for each run.
title "lab 5: determinism and replay"
engine lab5-journal threads
pass 70
e=lab5_journal
rule "lab 5's journal and recovery are yours: do not use the project's Persistence or recover()" \
  "swlab::Persistence::" "swlab::recover("
part "sequencing" 5 "Lab5Sequencing.*"
part "the journal: history, restart, modes, torn tail, damage, full disk" 20 "Lab5Journal.*"
part "a real crash: SIGKILL under load, then recover" 10 "Lab5Crash.*"
strict "power loss: every acknowledged command survives, every promised sync is made" 25 "Lab5PowerLoss.*"
part "golden scripts and the reference model" 5 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, shutdown, load, gap-free numbering" 5 "*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*LoadRun*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Shutdown*/$e"
race "the race detector: concurrency and shutdown" 10 "*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Shutdown*/$e"
# The kill lands at a random moment: other moments, other seeds.
repeat 3 "Lab5Crash.*"
if [ -n "$hidden" ]; then p="--preset write-heavy"; else p="--preset balanced"; fi
perf "durability batch, 2 clients x 8: vs single-writer" 10 single-writer throughput 0.7 $p --threads 2 --window 8 --journal @JOURNAL@ --durability batch
perf "durability none, 2 clients x 8: vs single-writer" 10 single-writer throughput 0.7 $p --threads 2 --window 8 --journal @JOURNAL@ --durability none
report "durability batch: your engine, the reference, the mutex (journal under its lock)" --engine lab5-journal,single-writer,mutex --threads 2 --journal @JOURNAL@ --durability batch
report "durability always" --engine lab5-journal,mutex --threads 2 --journal @JOURNAL@ --durability always
report "group commit: durability batch, 2 clients x 8 in flight (a lock engine cannot pipeline)" --engine lab5-journal,single-writer --threads 2 --window 8 --journal @JOURNAL@ --durability batch
writeup labs/lab5/writeup.md
