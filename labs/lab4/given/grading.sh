# shellcheck shell=bash disable=SC2034,SC2086
# Lab 4's grading (sourced by labs/grade.sh; frozen). The verbs: labs/grader/spec.py.
title "lab 4: shard it"
engine lab4-sharded threads
pass 70
e=lab4_sharded
rule "lab 4's router is yours: do not use the project's ShardedEngine" "swlab::ShardedEngine"
# First, and all or nothing: a memory-order mistake or a lost wake-up is not partly right.
model "the model checker: the route gate" 20 "lab4.*"
part "routing: owners, independent shards, the digest, shutdown" 20 "Lab4Routing.*"
part "golden scripts and the reference model" 10 "*GoldenEngine*/$e:*Differential*/$e:*LabEngine.RandomStreams*/$e"
part "concurrency, shutdown, load, per-shard numbering" 10 "*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*LoadRun*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Workload*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Shutdown*/$e"
race "the race detector: routing, concurrency, shutdown" 10 "Lab4Routing.*:*Concurrency.BlockingCalls*/$e:*Concurrency.Pipelined*/$e:*Concurrency.Shutdown*/$e:*LabEngine.Pipelined*/$e:*LabEngine.Shutdown*/$e"
repeat 3 "*Concurrency.Shutdown*:*LabEngine.Shutdown*"
if [ -n "$hidden" ]; then p="--preset balanced --zipf 1.5"; else p="--preset balanced"; fi
perf "4 shards, 2 clients x 8: throughput vs sharded-single-writer" 15 sharded-single-writer throughput 0.8 $p --shards 4 --threads 2 --window 8
perf "4 shards, 4 clients: throughput vs sharded-single-writer" 15 sharded-single-writer throughput 0.8 $p --shards 4 --threads 4
report "scaling, 1 shard" --engine lab4-sharded,lab4-sharded-mutex --shards 1 --threads 2,4
report "scaling, 2 shards" --engine lab4-sharded,lab4-sharded-mutex --shards 2 --threads 2,4
report "scaling, 4 shards" --engine lab4-sharded,lab4-sharded-mutex --shards 4 --threads 2,4
report "one hot market defeats sharding" --engine lab4-sharded,lab4-sharded-mutex --preset hot-market --threads 2,4
# The handout's steps (docs/labs/lab4.md): the first whose tests or checks fail is named next.
step 2 "shard_count, submit and execute, then the rest (router.cpp)" "Lab4Routing.*:*/$e"
step 3 "the route gate (route_gate.h)" "lab4.*"
step 4 "the race detector (ctest --preset tsan -L lab4)" "*"
writeup labs/lab4/writeup.md
