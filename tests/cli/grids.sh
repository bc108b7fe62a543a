#!/usr/bin/env bash
# scripts/grids.sh against four machines hwloc describes (the planner's test machines,
# tests/test_placement_plan.cpp): the grids scale with the cores, reach the count where
# every client and the engine have a core (cores - 1), pass the CPUs once, and stay
# within their caps (8 thread counts, 6 shard counts) on any machine.
set -euo pipefail
swlab=$1
cd "$(dirname "$0")/../.."
. scripts/grids.sh
fail=0
check() {  # check TOPOLOGY THREADS SHARDS SHARD_CLIENTS CONNECTIONS
  swlab_grids "$swlab" "$1"
  local got="$GRID_THREADS | $GRID_SHARDS | $GRID_SHARD_CLIENTS | $GRID_CONNECTIONS"
  local want="$2 | $3 | $4 | $5"
  if [ "$got" != "$want" ]; then
    echo "FAIL '$1': got '$got', want '$want'" >&2
    fail=1
  fi
  local n_threads n_shards last
  n_threads=$(tr ',' '\n' <<<"$GRID_THREADS" | wc -l)
  n_shards=$(tr ',' '\n' <<<"$GRID_SHARDS" | wc -l)
  last=${GRID_THREADS##*,}
  [ "$n_threads" -le 8 ] || { echo "FAIL '$1': $n_threads thread counts (at most 8)" >&2; fail=1; }
  [ "$n_shards" -le 6 ] || { echo "FAIL '$1': $n_shards shard counts (at most 6)" >&2; fail=1; }
  [ "$last" -gt "$GRID_CPUS" ] || { echo "FAIL '$1': the threads never pass the $GRID_CPUS CPUs" >&2; fail=1; }
  [ "$GRID_SHARD_MARKETS" -ge "${GRID_SHARDS##*,}" ] ||
    { echo "FAIL '$1': $GRID_SHARD_MARKETS markets cannot hold ${GRID_SHARDS##*,} shards" >&2; fail=1; }
  grep -qx "$GRID_ENGINE_CLIENTS" <(tr ',' '\n' <<<"$GRID_THREADS") ||
    { echo "FAIL '$1': no run where the engine and every client have a core ($GRID_ENGINE_CLIENTS)" >&2; fail=1; }
}
#     topology                              threads                         shards            clients connections
check "package:2 [numa] l3:2 core:8 pu:2"   1,2,8,16,31,32,64,128           1,2,8,16,32       16      "1024 16384"
check "package:1 l3:2 core:4 pu:2"          1,2,4,7,8,16,32                 1,2,4,8           4       "256 4096"
check "package:1 l3:16 core:8 pu:2"         1,2,16,64,127,128,256,512       1,4,8,16,64,128   64      "4096 16384"
check "package:1 core:2 pu:1"               1,2,4                           1,2               1       "64 1024"
# This machine, whatever it is: the same rules hold.
swlab_grids "$swlab"
[ "${GRID_THREADS##*,}" -eq $((2 * GRID_CPUS)) ] || { echo "FAIL this machine: threads $GRID_THREADS" >&2; fail=1; }
# A topology swlab cannot read stops the script with a reason, not an empty grid.
if (swlab_grids "$swlab" "flux:3") 2>/dev/null; then echo "FAIL: a bad topology gave grids" >&2; fail=1; fi
[ $fail -eq 0 ] && echo "grids: 4 machines and this one as expected"
exit $fail
