#include "measure/placement_plan.h"

#include <algorithm>
#include <map>
#include <set>

namespace swlab {

std::string_view to_string(PlacementPolicy p) { return kPlacementPolicyNames[static_cast<int>(p)]; }

bool parse_placement_policy(std::string_view name, PlacementPolicy* out) {
  for (int i = 0; i < static_cast<int>(std::size(kPlacementPolicyNames)); ++i)
    if (kPlacementPolicyNames[i] == name) {
      *out = static_cast<PlacementPolicy>(i);
      return true;
    }
  return false;
}

namespace {

// One physical core of the topology and the threads the plan has put on it so far.
struct CoreSlots {
  int id = 0, l3 = 0, node = 0, package = 0;
  std::vector<int> cpus;  // OS numbers, in topology order (the SMT siblings)
  std::vector<int> used;  // threads on each of cpus
  bool engine = false, client = false;
  int threads() const {
    int n = 0;
    for (int u : used) n += u;
    return n;
  }
};

class Planner {
 public:
  Planner(const Topology& t, const PlacementRequest& r) : t_(t), r_(r) {
    for (const TopologyCpu& c : t.cpus) {
      auto it = std::find_if(cores_.begin(), cores_.end(), [&](const CoreSlots& s) { return s.id == c.core; });
      if (it == cores_.end()) {
        cores_.push_back({c.core, c.l3, c.node, c.package, {}, {}});
        it = cores_.end() - 1;
      }
      it->cpus.push_back(c.cpu);
      it->used.push_back(0);
    }
  }

  PlacementPlan plan();

 private:
  TopologyCpu at(int cpu) const {
    if (const TopologyCpu* c = t_.find(cpu)) return *c;
    return {cpu, -1, -1, -1, -1};
  }
  void put(std::vector<TopologyCpu>& out, int cpu, bool engine);
  // How far apart two cores are: 0 one L3 domain, 1 one NUMA node, 2 one package, 3 apart.
  int distance(const CoreSlots& a, const CoreSlots& b) const {
    if (a.l3 == b.l3) return 0;
    if (a.node == b.node) return 1;
    return a.package == b.package ? 2 : 3;
  }
  std::vector<std::size_t> nearest_first(std::size_t from) const;
  std::vector<std::size_t> domains_farthest_first(std::size_t from) const;
  std::size_t home() const;
  void fill(std::vector<TopologyCpu>& out, uint32_t n, const std::vector<int>& slots, std::vector<int> wrap, bool engine);
  void place_engine(PlacementPlan& p);
  void place_clients(PlacementPlan& p);

  const Topology& t_;
  const PlacementRequest& r_;
  std::vector<CoreSlots> cores_;
};

void Planner::put(std::vector<TopologyCpu>& out, int cpu, bool engine) {
  out.push_back(at(cpu));
  for (CoreSlots& c : cores_)
    for (std::size_t k = 0; k < c.cpus.size(); ++k)
      if (c.cpus[k] == cpu) {
        ++c.used[k];
        (engine ? c.engine : c.client) = true;
      }
}

// Stable: within one distance, the topology's order.
std::vector<std::size_t> Planner::nearest_first(std::size_t from) const {
  std::vector<std::size_t> order(cores_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return distance(cores_[from], cores_[a]) < distance(cores_[from], cores_[b]);
  });
  return order;
}

// The free cores dealt round-robin over the L3 domains, the domains farthest from
// `from` first: consecutive clients land in different domains. The cores already
// holding a thread follow, nearest first (their siblings come after every free core).
std::vector<std::size_t> Planner::domains_farthest_first(std::size_t from) const {
  const std::vector<std::size_t> nearest = nearest_first(from);
  std::vector<int> domains;
  for (std::size_t i : nearest)
    if (std::find(domains.begin(), domains.end(), cores_[i].l3) == domains.end()) domains.push_back(cores_[i].l3);
  std::reverse(domains.begin(), domains.end());
  std::map<int, std::vector<std::size_t>> free_in;
  std::size_t free_cores = 0;
  for (std::size_t i = 0; i < cores_.size(); ++i)
    if (cores_[i].threads() == 0) {
      free_in[cores_[i].l3].push_back(i);
      ++free_cores;
    }
  std::vector<std::size_t> order;
  for (std::size_t round = 0; order.size() < free_cores; ++round)
    for (int d : domains)
      if (round < free_in[d].size()) order.push_back(free_in[d][round]);
  for (std::size_t i : nearest)
    if (cores_[i].threads() > 0) order.push_back(i);
  return order;
}

// Where the run's centre is: the first engine thread's core, else the first client's,
// else the topology's first core.
std::size_t Planner::home() const {
  for (bool engine : {true, false})
    for (std::size_t i = 0; i < cores_.size(); ++i)
      if (engine ? cores_[i].engine : cores_[i].client) return i;
  return 0;
}

// Thread k takes slots[k]; past the slots, the threads go round-robin over `wrap`.
void Planner::fill(std::vector<TopologyCpu>& out, uint32_t n, const std::vector<int>& slots, std::vector<int> wrap,
                   bool engine) {
  if (wrap.empty()) wrap = slots;
  if (wrap.empty())
    for (const TopologyCpu& c : t_.cpus) wrap.push_back(c.cpu);
  for (uint32_t k = 0; k < n; ++k)
    put(out, k < slots.size() ? slots[k] : wrap[(k - slots.size()) % wrap.size()], engine);
}

void Planner::place_engine(PlacementPlan& p) {
  std::vector<int> first, rest, others;
  if (r_.policy == PlacementPolicy::kCompact) {
    for (const TopologyCpu& c : t_.cpus) first.push_back(c.cpu);
    return fill(p.engine, r_.engine_threads, first, first, true);
  }
  // A core of its own for each engine thread, near the clients if those were given;
  // then its siblings, then the clients' cores.
  for (std::size_t i : nearest_first(home())) {
    const CoreSlots& c = cores_[i];
    if (c.threads() == 0) {
      first.push_back(c.cpus[0]);
      rest.insert(rest.end(), c.cpus.begin() + 1, c.cpus.end());
    } else {
      for (std::size_t k = 0; k < c.cpus.size(); ++k)
        if (c.used[k] == 0) others.push_back(c.cpus[k]);
    }
  }
  std::vector<int> slots = first;
  slots.insert(slots.end(), rest.begin(), rest.end());
  slots.insert(slots.end(), others.begin(), others.end());
  fill(p.engine, r_.engine_threads, slots, {}, true);
}

void Planner::place_clients(PlacementPlan& p) {
  std::vector<int> fresh, siblings, engine_siblings, all;
  for (const TopologyCpu& c : t_.cpus) all.push_back(c.cpu);
  if (r_.policy == PlacementPolicy::kCompact) {
    for (const TopologyCpu& c : t_.cpus)
      if (const auto e = p.engine_cpus(); std::find(e.begin(), e.end(), c.cpu) == e.end()) fresh.push_back(c.cpu);
    return fill(p.clients, r_.clients, fresh, all, false);
  }
  const std::size_t from = home();
  const std::vector<std::size_t> order =
      r_.policy == PlacementPolicy::kSpread ? domains_farthest_first(from) : nearest_first(from);
  for (std::size_t i : order) {  // a core of its own for each client, nearest first
    const CoreSlots& c = cores_[i];
    if (c.threads() == 0) fresh.push_back(c.cpus[0]);
  }
  for (std::size_t i : order) {  // then the free SMT siblings: the clients' cores, the engine's last
    const CoreSlots& c = cores_[i];
    for (std::size_t k = 0; k < c.cpus.size(); ++k) {
      if (c.used[k] > 0 || (c.threads() == 0 && k == 0)) continue;
      (c.engine ? engine_siblings : siblings).push_back(c.cpus[k]);
    }
  }
  std::vector<int> slots;
  if (r_.policy == PlacementPolicy::kSmt) {  // the engine's siblings first, in engine-thread order
    for (const TopologyCpu& e : p.engine)
      for (int s : engine_siblings)
        if (at(s).core == e.core && std::find(slots.begin(), slots.end(), s) == slots.end()) slots.push_back(s);
  }
  for (const std::vector<int>* part : {&fresh, &siblings, &engine_siblings})
    for (int s : *part)
      if (std::find(slots.begin(), slots.end(), s) == slots.end()) slots.push_back(s);
  // Past every CPU the clients double up on their own CPUs; the engine keeps its core.
  std::vector<int> wrap = fresh;
  wrap.insert(wrap.end(), siblings.begin(), siblings.end());
  for (const TopologyCpu& c : p.clients) wrap.push_back(c.cpu);
  fill(p.clients, r_.clients, slots, wrap, false);
}

// Thread i of an explicit list runs on cpus[i % size], as the load generator pins.
std::vector<int> expand(const std::vector<int>& cpus, uint32_t n) {
  std::vector<int> out;
  for (uint32_t i = 0; i < n; ++i) out.push_back(cpus[i % cpus.size()]);
  return out;
}

void policy_notes(const Topology& t, const PlacementRequest& r, PlacementPlan& p) {
  if (r.policy == PlacementPolicy::kNone) p.notes.push_back("not pinned: the scheduler places the threads");
  if (r.policy == PlacementPolicy::kSpread && t.l3_domains < 2)
    p.notes.push_back("one L3 domain: nothing to cross; spread places as auto");
  if (r.policy == PlacementPolicy::kSmt && !t.smt()) p.notes.push_back("no SMT siblings: smt places as auto");
  if (r.policy == PlacementPolicy::kSmt && t.smt() && r.engine_threads == 0)
    p.notes.push_back("no engine thread to share a core with: smt places as auto");
  if (p.engine_explicit) p.notes.push_back("engine CPUs given explicitly");
  if (p.clients_explicit) p.notes.push_back("client CPUs given explicitly");
}

// The flags and their words, from where the threads ended up.
void assess(const Topology& t, PlacementPlan& p) {
  std::map<int, int> per_cpu, per_core, clients_per_core;
  for (const auto* list : {&p.engine, &p.clients})
    for (const TopologyCpu& c : *list) {
      ++per_cpu[c.cpu];
      if (c.core >= 0) ++per_core[c.core];
    }
  for (const TopologyCpu& c : p.clients)
    if (c.core >= 0) ++clients_per_core[c.core];
  std::set<int> engine_cores;
  for (const TopologyCpu& e : p.engine) {
    if (e.core >= 0 && per_core[e.core] > 1) p.engine_shares_core = true;
    engine_cores.insert(e.core);
  }
  for (const auto& [core, n] : clients_per_core) p.clients_share_cores |= n > 1;
  for (const auto& [cpu, n] : per_cpu) p.oversubscribed |= n > 1;
  const std::size_t threads = p.engine.size() + p.clients.size();
  if (p.oversubscribed)
    p.notes.push_back("oversubscribed: " + std::to_string(threads) + " threads on " + std::to_string(per_cpu.size()) +
                      " CPUs (" + std::to_string(t.pus()) + " in the topology)");
  if (p.engine_shares_core) p.notes.push_back("the engine shares a core with another of the run's threads");
  if (p.clients_share_cores) p.notes.push_back("clients share cores (SMT siblings or one CPU)");
  for (const auto& [cpu, n] : per_cpu)
    if (!t.find(cpu)) p.notes.push_back("CPU " + std::to_string(cpu) + " is not in the topology");
}

// The first CPU of the core nearest to `c` that is not c's core (its SMT sibling only
// on a machine of one core); null on a machine of one CPU.
const TopologyCpu* nearest_other_core(const Topology& t, const TopologyCpu& c) {
  const TopologyCpu* best = nullptr;
  int best_distance = 5;
  for (const TopologyCpu& o : t.cpus) {
    if (o.cpu == c.cpu) continue;
    const int d = o.core == c.core ? 4 : o.l3 == c.l3 ? 0 : o.node == c.node ? 1 : o.package == c.package ? 2 : 3;
    if (d < best_distance) {
      best = &o;
      best_distance = d;
    }
  }
  return best;
}

// The floor probe between the first client and the first engine thread: the round trip
// every request of the run makes. Without an engine thread, two clients; with one
// client, it and the nearest other core.
void choose_probe(const Topology& t, PlacementPlan& p) {
  const auto& c = p.clients;
  const auto engine = std::find_if(p.engine.begin(), p.engine.end(),
                                   [&](const TopologyCpu& e) { return !c.empty() && e.cpu != c[0].cpu; });
  if (engine != p.engine.end()) {
    p.probe = std::pair{c[0].cpu, engine->cpu};
    p.probe_why = engine == p.engine.begin() ? "the first client's and the engine's CPUs"
                                             : "the first client's CPU and the first engine thread's not on it";
  } else if (c.size() >= 2 && c[0].cpu != c[1].cpu) {
    p.probe = std::pair{c[0].cpu, c[1].cpu};
    p.probe_why = "the first two clients' CPUs";
  } else if (!c.empty()) {
    if (const TopologyCpu* other = nearest_other_core(t, c[0])) {
      p.probe = std::pair{c[0].cpu, other->cpu};
      p.probe_why = "the first client's CPU and the nearest other core's";
    }
  }
}

}  // namespace

PlacementPlan Planner::plan() {
  PlacementPlan p;
  p.policy = r_.policy;
  p.engine_threads = r_.engine_threads;
  p.client_threads = r_.clients;
  p.clients_explicit = !r_.client_cpus.empty();
  p.engine_explicit = !r_.engine_cpus.empty() && r_.engine_threads > 0;
  if (p.clients_explicit)
    for (int cpu : expand(r_.client_cpus, r_.clients)) put(p.clients, cpu, false);
  if (p.engine_explicit)
    for (int cpu : expand(r_.engine_cpus, r_.engine_threads)) put(p.engine, cpu, true);
  if (r_.policy != PlacementPolicy::kNone) {
    if (!p.engine_explicit && r_.engine_threads > 0) place_engine(p);
    if (!p.clients_explicit) place_clients(p);
  }
  policy_notes(t_, r_, p);
  assess(t_, p);
  choose_probe(t_, p);
  return p;
}

PlacementPlan plan_placement(const Topology& topology, const PlacementRequest& request) {
  return Planner(topology, request).plan();
}

std::vector<int> PlacementPlan::engine_cpus() const {
  std::vector<int> v;
  for (const TopologyCpu& c : engine) v.push_back(c.cpu);
  return v;
}

std::vector<int> PlacementPlan::client_cpus() const {
  std::vector<int> v;
  for (const TopologyCpu& c : clients) v.push_back(c.cpu);
  return v;
}

std::string describe_cpus(const std::vector<TopologyCpu>& cpus) {
  std::vector<int> domains;
  for (const TopologyCpu& c : cpus)
    if (std::find(domains.begin(), domains.end(), c.l3) == domains.end()) domains.push_back(c.l3);
  std::string s;
  for (int d : domains) {
    std::vector<int> in;
    for (const TopologyCpu& c : cpus)
      if (c.l3 == d) in.push_back(c.cpu);
    s += (s.empty() ? "" : ", ") + cpu_ranges(in) + (d >= 0 ? " (L3 " + std::to_string(d) + ")" : " (not in the topology)");
  }
  return s;
}

std::string PlacementPlan::describe() const {
  auto line = [](const char* role, const std::vector<TopologyCpu>& v, bool given) -> std::string {
    if (v.empty()) return std::string(role) + "not pinned\n";
    std::set<int> cpus;
    for (const TopologyCpu& c : v) cpus.insert(c.cpu);
    return std::string(role) + std::to_string(v.size()) + (v.size() == 1 ? " thread" : " threads") +
           (cpus.size() == 1 ? ": CPU " : ": CPUs ") + describe_cpus(v) + (given ? " [given]" : "") + "\n";
  };
  std::string s = (engine_threads == 0 ? std::string("  engine   no thread of its own\n")
                                       : line("  engine   ", engine, engine_explicit)) +
                  line("  clients  ", clients, clients_explicit);
  if (probe)
    s += "  probe    CPUs " + std::to_string(probe->first) + " and " + std::to_string(probe->second) + " (" + probe_why +
         ")\n";
  for (const std::string& n : notes) s += "  note     " + n + "\n";
  return s;
}

}  // namespace swlab
