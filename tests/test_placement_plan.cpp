// The placement planner (bench/measure/placement_plan.h) against machines this one is
// not: hwloc's synthetic topologies for a two-socket SMT server, a laptop with two core
// complexes, a 128-core single socket, and a 2-vCPU VM that reports no caches; an XML
// export read back. Each property is checked for every machine and every thread count
// up to past its CPUs.
#include <gtest/gtest.h>
#include <hwloc.h>
#include <hwloc/export.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "measure/placement_plan.h"
#include "measure/topology.h"

namespace swlab {
namespace {

struct Machine {
  const char* name;
  const char* spec;
  int packages, numa_nodes, l3_domains, cores, cpus;
  bool l3_from_caches;
};

const Machine kMachines[] = {
    {"TwoSocketSmtServer", "package:2 [numa] l3:2 core:8 pu:2", 2, 2, 4, 32, 64, true},
    {"TwoComplexLaptop", "package:1 l3:2 core:4 pu:2", 1, 1, 2, 8, 16, true},
    {"SingleSocket128Cores", "package:1 l3:16 core:8 pu:2", 1, 1, 16, 128, 256, true},
    {"TwoVcpuVmWithoutCaches", "package:1 core:2 pu:1", 1, 1, 1, 2, 2, false},
};

Topology load(const std::string& spec) {
  Topology t;
  std::string why;
  EXPECT_TRUE(load_topology(spec, &t, &why)) << why;
  return t;
}

PlacementPlan plan(const Topology& t, PlacementPolicy policy, uint32_t engine_threads, uint32_t clients) {
  PlacementRequest r;
  r.policy = policy;
  r.engine_threads = engine_threads;
  r.clients = clients;
  return plan_placement(t, r);
}

// Threads on each core, over the engine's and the clients'.
std::map<int, int> per_core(const PlacementPlan& p) {
  std::map<int, int> n;
  for (const auto* list : {&p.engine, &p.clients})
    for (const TopologyCpu& c : *list) ++n[c.core];
  return n;
}

// Thread counts worth checking on a machine: every count up to 40, then steps to past
// twice its CPUs.
std::vector<uint32_t> counts(const Topology& t) {
  std::vector<uint32_t> v;
  for (uint32_t n = 1; n <= static_cast<uint32_t>(2 * t.pus() + 3); n += n < 40 ? 1 : 7) v.push_back(n);
  return v;
}

class Placement : public ::testing::TestWithParam<Machine> {
 protected:
  Topology t = load(GetParam().spec);
};

TEST_P(Placement, TopologyIsWhatTheDescriptionSays) {
  const Machine& m = GetParam();
  EXPECT_EQ(t.packages, m.packages);
  EXPECT_EQ(t.numa_nodes, m.numa_nodes);
  EXPECT_EQ(t.l3_domains, m.l3_domains);
  EXPECT_EQ(t.cores, m.cores);
  EXPECT_EQ(t.pus(), m.cpus);
  EXPECT_EQ(t.l3_from_caches, m.l3_from_caches);
  EXPECT_EQ(t.source, "synthetic");
}

// auto: while a free core exists, no client runs on an engine thread's core, and with
// every thread fitting on a core of its own, no two threads share one.
TEST_P(Placement, AutoNeverPutsAClientOnTheEnginesCoreWhileACoreIsFree) {
  for (uint32_t engine_threads : {1u, 2u})
    for (uint32_t clients : counts(t)) {
      const PlacementPlan p = plan(t, PlacementPolicy::kAuto, engine_threads, clients);
      ASSERT_EQ(p.engine.size(), engine_threads);
      ASSERT_EQ(p.clients.size(), clients);
      const std::map<int, int> cores = per_core(p);
      std::set<int> engine_cores;
      for (const TopologyCpu& e : p.engine) engine_cores.insert(e.core);
      const bool a_core_is_free = static_cast<int>(cores.size()) < t.cores;
      for (const TopologyCpu& c : p.clients)
        if (engine_cores.count(c.core)) {
          EXPECT_FALSE(a_core_is_free) << clients << " clients: CPU " << c.cpu;
        }
      if (engine_threads + clients <= static_cast<uint32_t>(t.cores)) {
        for (const auto& [core, n] : cores) EXPECT_EQ(n, 1) << clients << " clients, core " << core;
        EXPECT_FALSE(p.engine_shares_core || p.clients_share_cores || p.oversubscribed) << clients << " clients";
        EXPECT_TRUE(p.notes.empty()) << p.notes.front();
      }
    }
}

// auto: the clients take the engine's L3 domain before any other, and move outwards
// (same domain, same NUMA node, same package, elsewhere) as they grow.
TEST_P(Placement, AutoFillsTheEnginesDomainFirstThenMovesOutwards) {
  const PlacementPlan all = plan(t, PlacementPolicy::kAuto, 1, static_cast<uint32_t>(t.cores - 1));
  const TopologyCpu& engine = all.engine.at(0);
  std::set<int> home;
  for (const TopologyCpu& c : t.cpus)
    if (c.l3 == engine.l3) home.insert(c.core);
  const int home_cores = static_cast<int>(home.size());
  auto distance = [&](const TopologyCpu& c) {
    return c.l3 == engine.l3 ? 0 : c.node == engine.node ? 1 : c.package == engine.package ? 2 : 3;
  };
  int last = 0;
  for (std::size_t i = 0; i < all.clients.size(); ++i) {
    const int d = distance(all.clients[i]);
    if (static_cast<int>(i) < home_cores - 1) {
      EXPECT_EQ(d, 0) << "client " << i << " left the engine's L3 domain";
    }
    EXPECT_GE(d, last) << "client " << i << " came back inwards";
    last = d;
  }
}

// A sharded engine's threads: one a core, the cores of one L3 domain.
TEST_P(Placement, EngineThreadsTakeOneCoreEachOfOneDomain) {
  const int per_domain = t.cores / t.l3_domains;
  const PlacementPlan p = plan(t, PlacementPolicy::kAuto, static_cast<uint32_t>(per_domain), 1);
  std::set<int> cores, domains;
  for (const TopologyCpu& e : p.engine) {
    cores.insert(e.core);
    domains.insert(e.l3);
  }
  EXPECT_EQ(static_cast<int>(cores.size()), per_domain);
  EXPECT_EQ(domains.size(), 1u);
}

// Past every CPU: flagged, and the engine keeps its CPU to itself.
TEST_P(Placement, PastEveryCpuItSaysSoAndTheEngineKeepsItsCpu) {
  const PlacementPlan p = plan(t, PlacementPolicy::kAuto, 1, static_cast<uint32_t>(t.pus() + 1));
  EXPECT_TRUE(p.oversubscribed);
  EXPECT_TRUE(p.clients_share_cores);
  ASSERT_FALSE(p.notes.empty());
  for (const TopologyCpu& c : p.clients) EXPECT_NE(c.cpu, p.engine[0].cpu);
  EXPECT_FALSE(plan(t, PlacementPolicy::kAuto, 0, static_cast<uint32_t>(t.pus())).oversubscribed);
}

TEST_P(Placement, CompactPacksOntoTheEnginesSibling) {
  const PlacementPlan p = plan(t, PlacementPolicy::kCompact, 1, 2);
  EXPECT_EQ(p.engine[0].cpu, t.cpus[0].cpu);
  EXPECT_EQ(p.clients[0].cpu, t.cpus[1].cpu);
  if (t.pus() >= 3) {
    EXPECT_EQ(p.clients[1].cpu, t.cpus[2].cpu);
  } else {
    EXPECT_TRUE(p.oversubscribed);  // three threads, two CPUs: packed means doubled up
  }
  EXPECT_EQ(p.engine_shares_core, t.smt() || t.pus() < 3);
}

TEST_P(Placement, SmtPutsAClientOnTheEnginesSibling) {
  const PlacementPlan p = plan(t, PlacementPolicy::kSmt, 1, 2);
  if (t.smt()) {
    EXPECT_EQ(p.clients[0].core, p.engine[0].core);
    EXPECT_NE(p.clients[0].cpu, p.engine[0].cpu);
    EXPECT_NE(p.clients[1].core, p.engine[0].core);
    EXPECT_TRUE(p.engine_shares_core);
  } else {
    const PlacementPlan a = plan(t, PlacementPolicy::kAuto, 1, 2);
    EXPECT_EQ(p.client_cpus(), a.client_cpus());
    EXPECT_NE(std::find(p.notes.begin(), p.notes.end(), "no SMT siblings: smt places as auto"), p.notes.end());
  }
}

TEST_P(Placement, SpreadCrossesDomains) {
  const uint32_t n = static_cast<uint32_t>(std::min(t.l3_domains, t.cores - 1));
  const PlacementPlan p = plan(t, PlacementPolicy::kSpread, 1, n);
  std::set<int> domains;
  for (const TopologyCpu& c : p.clients) domains.insert(c.l3);
  if (t.l3_domains > 1) {
    EXPECT_NE(p.clients[0].l3, p.engine[0].l3) << "the first client stayed in the engine's domain";
    EXPECT_EQ(domains.size(), n) << "consecutive clients share a domain";
    if (t.packages > 1) {
      EXPECT_NE(p.clients[0].package, p.engine[0].package) << "the farthest domain is on the other package";
    }
  } else {
    EXPECT_EQ(p.client_cpus(), plan(t, PlacementPolicy::kAuto, 1, n).client_cpus());
  }
}

TEST_P(Placement, NonePinsNothing) {
  const PlacementPlan p = plan(t, PlacementPolicy::kNone, 1, 4);
  EXPECT_TRUE(p.engine.empty());
  EXPECT_TRUE(p.clients.empty());
  EXPECT_FALSE(p.probe);
}

// Explicit CPUs are kept as given (thread i on cpus[i % size]); the other side is
// planned around them.
TEST_P(Placement, ExplicitCpusOverrideThePlanForTheirSide) {
  PlacementRequest r;
  r.engine_threads = 1;
  r.clients = 3;
  r.client_cpus = {t.cpus.back().cpu};
  const PlacementPlan p = plan_placement(t, r);
  for (const TopologyCpu& c : p.clients) EXPECT_EQ(c.cpu, t.cpus.back().cpu);
  EXPECT_TRUE(p.clients_explicit);
  EXPECT_NE(p.engine[0].core, t.cpus.back().core) << "the engine was planned onto the given clients' core";
  r.engine_cpus = {t.cpus.back().cpu};
  r.client_cpus.clear();
  const PlacementPlan q = plan_placement(t, r);
  EXPECT_EQ(q.engine[0].cpu, t.cpus.back().cpu);
  EXPECT_TRUE(q.engine_explicit);
  for (const TopologyCpu& c : q.clients) {
    if (t.cores >= 4) {
      EXPECT_NE(c.core, t.cpus.back().core);
    }
  }
}

// The floor probe measures the round trip every request makes: first client to engine.
TEST_P(Placement, TheProbeRunsBetweenTheFirstClientAndTheEngine) {
  const PlacementPlan p = plan(t, PlacementPolicy::kAuto, 1, 3);
  ASSERT_TRUE(p.probe);
  EXPECT_EQ(p.probe->first, p.clients[0].cpu);
  EXPECT_EQ(p.probe->second, p.engine[0].cpu);
  const PlacementPlan lock = plan(t, PlacementPolicy::kAuto, 0, 1);  // no engine thread, one client
  ASSERT_TRUE(lock.probe);
  EXPECT_EQ(lock.probe->first, lock.clients[0].cpu);
  EXPECT_NE(t.find(lock.probe->second)->core, lock.clients[0].core);
}

INSTANTIATE_TEST_SUITE_P(Machines, Placement, ::testing::ValuesIn(kMachines),
                         [](const auto& info) { return std::string(info.param.name); });

// An XML export (lstopo m.xml on another machine) plans the same as its description.
TEST(Topology, AnXmlExportLoadsLikeTheMachineItDescribes) {
  hwloc_topology_t h;
  ASSERT_EQ(hwloc_topology_init(&h), 0);
  ASSERT_EQ(hwloc_topology_set_synthetic(h, kMachines[0].spec), 0);
  ASSERT_EQ(hwloc_topology_load(h), 0);
  char path[] = "/tmp/swlab-topology-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(hwloc_topology_export_xml(h, path, 0), 0);
  hwloc_topology_destroy(h);
  const Topology x = load(path);
  const Topology s = load(kMachines[0].spec);
  unlink(path);
  EXPECT_EQ(x.source, "xml");
  EXPECT_EQ(x.cores, s.cores);
  EXPECT_EQ(x.l3_domains, s.l3_domains);
  EXPECT_EQ(plan(x, PlacementPolicy::kAuto, 1, 20).client_cpus(), plan(s, PlacementPolicy::kAuto, 1, 20).client_cpus());
}

TEST(Topology, ADescriptionHwlocRefusesIsOneLineNamingIt) {
  Topology t;
  std::string why;
  EXPECT_FALSE(load_topology("package:2 flux:3", &t, &why));
  EXPECT_NE(why.find("'package:2 flux:3'"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos);
}

TEST(Topology, ThisMachineHasEveryCpuThisProcessMayUse) {
  const Topology t = load("");
  EXPECT_TRUE(t.this_machine());
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof allowed, &allowed), 0);
  EXPECT_EQ(t.pus(), CPU_COUNT(&allowed));
  EXPECT_GE(t.cores, 1);
  EXPECT_GE(t.l3_domains, 1);
}

TEST(Topology, CpuRangesAreWhatTasksetWrites) {
  EXPECT_EQ(cpu_ranges({0, 1, 2, 3, 8, 10, 11}), "0-3,8,10,11");
  EXPECT_EQ(cpu_ranges({5, 4, 4}), "4,5");
  EXPECT_EQ(cpu_ranges({}), "");
}

}  // namespace
}  // namespace swlab
