// The fields that say where a run's threads ran (run_fields.h): each thread's CPU with
// its core, L3 domain, NUMA node and package, and what the plan had to do to fit them
// (measure/placement_plan.h). The policy asked for is the `placement` run setting.
#include "run/run_fields.h"
#include "run/run_field_tables.h"

namespace swlab {

namespace {

// One line: a plan for 256 clients stays 256 short objects, not 1,800 lines.
void threads_array(JsonWriter& j, const std::vector<TopologyCpu>& cpus) {
  std::string a = "[";
  for (const TopologyCpu& c : cpus)
    a += std::string(a.size() > 1 ? ", " : "") + "{\"cpu\": " + std::to_string(c.cpu) + ", \"core\": " +
         std::to_string(c.core) + ", \"l3\": " + std::to_string(c.l3) + ", \"node\": " + std::to_string(c.node) +
         ", \"package\": " + std::to_string(c.package) + "}";
  j.raw_json(a + "]");
}

RunField flag(std::string key, std::string csv, std::string help, bool PlacementPlan::*member) {
  RunField f;
  f.path = "cpu_plan." + key;
  f.csv = std::move(csv);
  f.type = FieldType::kBool;
  f.help = std::move(help);
  f.value = [member](const RunRecord& r) { return FieldValue(r.cpu_plan.*member); };
  return f;
}

RunField list(std::string key, std::string help, std::function<void(JsonWriter&, const RunRecord&)> write) {
  RunField f;
  f.path = "cpu_plan." + key;
  f.type = FieldType::kArray;
  f.help = std::move(help);
  f.write = std::move(write);
  return f;
}

}  // namespace

void placement_fields(std::vector<RunField>& out) {
  out.push_back(list("engine",
                     "the CPU of each engine thread, with its core, L3 domain, NUMA node and package (hwloc's logical "
                     "indexes; -1: not in the topology); empty: no engine thread, or not pinned",
                     [](JsonWriter& j, const RunRecord& r) { threads_array(j, r.cpu_plan.engine); }));
  out.push_back(list("clients", "the CPU of each client thread (service mode: worker), as for engine; empty: not pinned",
                     [](JsonWriter& j, const RunRecord& r) { threads_array(j, r.cpu_plan.clients); }));
  RunField engine_threads;
  engine_threads.path = "cpu_plan.engine_threads";
  engine_threads.type = FieldType::kInt;
  engine_threads.help = "the engine's own threads (single-writer 1, sharded single-writer one a shard, locks 0)";
  engine_threads.value = [](const RunRecord& r) { return FieldValue(static_cast<int64_t>(r.cpu_plan.engine_threads)); };
  out.push_back(std::move(engine_threads));
  out.push_back(flag("engine_given", "", "the engine's CPUs were given (--engine-cpus), not planned",
                     &PlacementPlan::engine_explicit));
  out.push_back(flag("clients_given", "", "the clients' CPUs were given (--client-cpus, --pin), not planned",
                     &PlacementPlan::clients_explicit));
  out.push_back(flag("engine_shares_core", "engine_shares_core",
                     "an engine thread's core also ran another of the run's threads (an SMT sibling or its own CPU)",
                     &PlacementPlan::engine_shares_core));
  out.push_back(flag("clients_share_cores", "clients_share_cores", "two clients ran on one core",
                     &PlacementPlan::clients_share_cores));
  out.push_back(flag("oversubscribed", "plan_oversubscribed", "some CPU ran two or more of the run's pinned threads",
                     &PlacementPlan::oversubscribed));
  out.push_back(list("notes", "what the plan had to do, in words", [](JsonWriter& j, const RunRecord& r) {
    j.begin_array();
    for (const std::string& n : r.cpu_plan.notes) j.value(n);
    j.end_array();
  }));
}

}  // namespace swlab
