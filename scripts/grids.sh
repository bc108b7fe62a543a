# Sourced by scripts/reference.sh and scripts/claims.sh: the experiments' grids, derived
# from the machine's topology (`swlab machine`, hwloc) instead of typed in, so the same
# script asks a 2-vCPU VM and a 128-core server the questions each can answer.
#
#   swlab_grids SWLAB [TOPOLOGY]
#       reads the topology from `SWLAB machine` (or `SWLAB machine --topology TOPOLOGY`, to
#       see what another machine would get) and sets, or exits 1 saying why:
#   GRID_CPUS, GRID_CORES, GRID_L3_DOMAINS, GRID_PACKAGES   the topology's counts
#   GRID_CORES_PER_L3       the cores of one L3 domain (the smallest domain)
#   GRID_ENGINE_CLIENTS     cores - 1 (at least 1): the most clients that, with one engine
#                           thread, each have a core of their own under --placement auto,
#                           the precondition of the single writer's claims
#   GRID_THREADS            client counts, comma-separated: 1, doubling below
#                           GRID_ENGINE_CLIENTS, GRID_ENGINE_CLIENTS, the cores, every CPU
#                           when SMT, and once past them, twice the CPUs (oversubscribed);
#                           at most 8 counts (the doubling thinned, evenly spaced in log)
#   GRID_SHARDS             shard counts: 1, doubling to half the cores (at most 4 of
#                           them, evenly spaced in log), one L3 domain's cores, and once
#                           past: the cores; at most 6
#   GRID_SHARD_CLIENTS      half the cores (at least 1): clients beside up to half the cores
#                           of shards, so shards and clients each have a core
#   GRID_SHARD_MARKETS      markets for the sharding runs: the presets' 8, or the largest
#                           shard count if more (an engine takes at most a shard a market)
#   GRID_CONNECTIONS        service-mode connections, space-separated: 32 and 512 a core,
#                           at most 16384 (64 and 1024 on 2 cores)
#
# The counts are capped, not proportional to the machine: a run is time-bounded (or has
# calibrated fixed work), so a grid of at most 8 thread counts and 6 shard counts bounds
# an experiment's runs whatever the core count; the scripts' headers state the time.
# Tested against four synthetic machines by tests/cli/grids.sh.

# swlab_grid_thin MAX V1 V2 ...: at most MAX of the values, evenly spaced by position
# (first and last kept): of a doubling series, evenly spaced in log.
swlab_grid_thin() {
  local max=$1; shift
  local -a v=("$@")
  local n=${#v[@]} i
  if [ "$n" -le "$max" ] || [ "$max" -lt 2 ]; then
    [ "$max" -lt 1 ] && return 0
    [ "$n" -le "$max" ] && { echo "${v[@]}"; return 0; }
    echo "${v[$((n - 1))]}"; return 0
  fi
  for ((i = 0; i < max; i++)); do printf '%s ' "${v[$(((i * (n - 1) + (max - 1) / 2) / (max - 1)))]}"; done
  echo
}

# swlab_grid_join V...: sorted, unique, comma-separated.
swlab_grid_join() { printf '%s\n' "$@" | sort -n -u | paste -sd, -; }

swlab_grids() {
  local swlab=$1 topology=${2:-} out
  if [ -n "$topology" ]; then
    out=$("$swlab" machine --topology "$topology") || { echo "grids.sh: swlab machine --topology '$topology' failed" >&2; exit 1; }
  else
    out=$("$swlab" machine) || { echo "grids.sh: swlab machine failed" >&2; exit 1; }
  fi
  GRID_CPUS=$(sed -n 's/^cpus  *//p' <<<"$out")
  GRID_CORES=$(sed -n 's/^cores  *//p' <<<"$out")
  GRID_L3_DOMAINS=$(sed -n 's/^l3_domains  *//p' <<<"$out")
  GRID_PACKAGES=$(sed -n 's/^packages  *//p' <<<"$out")
  case "$GRID_CPUS$GRID_CORES$GRID_L3_DOMAINS" in
    ''|*[!0-9]*) echo "grids.sh: '$swlab machine' printed no topology (cpus, cores, l3_domains)" >&2; exit 1 ;;
  esac
  # The smallest domain: a count every domain can hold.
  GRID_CORES_PER_L3=$(sed -n 's/^l3 .* cores \([0-9,-]*\), CPUs.*/\1/p' <<<"$out" |
    awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' |
    sort -n | head -1)
  [ -n "$GRID_CORES_PER_L3" ] || GRID_CORES_PER_L3=$GRID_CORES
  GRID_ENGINE_CLIENTS=$((GRID_CORES > 1 ? GRID_CORES - 1 : 1))

  local -a doubling=() t=()
  local v
  for ((v = 2; v < GRID_ENGINE_CLIENTS; v *= 2)); do doubling+=("$v"); done
  t=(1 "${doubling[@]}" "$GRID_ENGINE_CLIENTS" "$GRID_CORES")
  [ "$GRID_CPUS" -gt "$GRID_CORES" ] && t+=("$GRID_CPUS")
  t+=($((2 * GRID_CPUS)))
  local fixed=$(( $(swlab_grid_join "${t[@]}" | tr ',' '\n' | wc -l) - ${#doubling[@]} ))
  # shellcheck disable=SC2207
  [ ${#doubling[@]} -gt 0 ] && doubling=($(swlab_grid_thin $((8 - fixed > 1 ? 8 - fixed : 1)) "${doubling[@]}"))
  GRID_THREADS=$(swlab_grid_join 1 "${doubling[@]}" "$GRID_ENGINE_CLIENTS" "$GRID_CORES" \
    $([ "$GRID_CPUS" -gt "$GRID_CORES" ] && echo "$GRID_CPUS") $((2 * GRID_CPUS)))

  local half=$((GRID_CORES / 2 > 1 ? GRID_CORES / 2 : 1))
  local -a s=()
  for ((v = 1; v < half; v *= 2)); do s+=("$v"); done
  s+=("$half")
  # shellcheck disable=SC2207
  s=($(swlab_grid_thin 4 "${s[@]}"))
  [ "$GRID_CORES_PER_L3" -le "$half" ] && s+=("$GRID_CORES_PER_L3")
  GRID_SHARDS=$(swlab_grid_join "${s[@]}" "$GRID_CORES")
  GRID_SHARD_CLIENTS=$half
  GRID_SHARD_MARKETS=$((GRID_CORES > 8 ? GRID_CORES : 8))

  local few=$((32 * GRID_CORES)) many=$((512 * GRID_CORES))
  [ $few -gt 16384 ] && few=16384
  [ $many -gt 16384 ] && many=16384
  GRID_CONNECTIONS=$(printf '%s\n' "$few" "$many" | sort -n -u | paste -sd' ' -)
}
