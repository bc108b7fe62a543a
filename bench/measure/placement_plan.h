// Where a run's threads go: a placement policy turns a topology (topology.h) and the
// run's thread counts into one CPU per engine thread and one per client.
//
//   auto     each engine thread gets a physical core of its own, its SMT sibling left
//            idle; clients take the other cores of the engine's L3 domain first, then
//            the same NUMA node, the same package, then further out. Only when every
//            core has a thread do clients go onto SMT siblings (their own cores' first,
//            the engine's last), and only past every CPU do they double up
//            (oversubscribed), on the clients' CPUs: the engine keeps its core.
//   compact  every thread packed onto the CPUs in topology order, SMT siblings
//            included: the first client lands on the engine's sibling.
//   spread   the engine as auto; clients dealt round-robin over the L3 domains, the
//            farthest from the engine's first: crossing domains on purpose.
//   smt      the engine as auto; client j on the SMT sibling of engine thread j's core,
//            the rest as auto.
//   none     nothing pinned: the scheduler decides (what swlab did before placement).
//
// A list given explicitly (--engine-cpus, --client-cpus, --pin) is used as given, and
// the policy places only the other side, around it. The plan says, in flags and in
// words, when it had to make a client share the engine's core, make clients share
// cores, or run more threads than CPUs. docs/methodology.md, "Placement".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "measure/topology.h"

namespace swlab {

enum class PlacementPolicy { kAuto, kCompact, kSpread, kSmt, kNone };
inline constexpr std::string_view kPlacementPolicyNames[] = {"auto", "compact", "spread", "smt", "none"};
std::string_view to_string(PlacementPolicy p);
bool parse_placement_policy(std::string_view name, PlacementPolicy* out);

struct PlacementRequest {
  PlacementPolicy policy = PlacementPolicy::kAuto;
  uint32_t engine_threads = 0;  // the engine's own threads (single-writer: 1; sharded: one a shard; locks: 0)
  uint32_t clients = 1;         // client threads (service mode: workers)
  // Given explicitly: thread i runs on cpus[i % size], as the load generator pins.
  std::vector<int> engine_cpus, client_cpus;
};

struct PlacementPlan {
  PlacementPolicy policy = PlacementPolicy::kAuto;
  uint32_t engine_threads = 0, client_threads = 0;
  // One entry per thread; empty: not pinned. A CPU the topology does not hold has
  // core, l3, node and package -1.
  std::vector<TopologyCpu> engine, clients;
  bool engine_explicit = false, clients_explicit = false;
  bool oversubscribed = false;      // some CPU runs two or more of the run's threads
  bool engine_shares_core = false;  // an engine thread's core runs another of the run's threads
  bool clients_share_cores = false; // two clients on one core (SMT siblings or one CPU)
  std::vector<std::string> notes;   // the above, and anything else it had to do, in words
  // The floor probe's CPUs (floor_probe.h): the first client's and the first engine
  // thread's; without an engine thread the first two clients', or the first client's
  // and the nearest other core's. Empty: not pinned.
  std::optional<std::pair<int, int>> probe;
  std::string probe_why;

  std::vector<int> engine_cpus() const;
  std::vector<int> client_cpus() const;
  // Two lines: "engine  CPU 0 (L3 0)" and "clients CPUs 1-7 (L3 0), 8-15 (L3 1)".
  std::string describe() const;
};

PlacementPlan plan_placement(const Topology& topology, const PlacementRequest& request);

// "1-7 (L3 0), 8-15 (L3 1)": CPUs grouped by L3 domain, in order of first appearance.
std::string describe_cpus(const std::vector<TopologyCpu>& cpus);

}  // namespace swlab
