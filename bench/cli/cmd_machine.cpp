// `swlab machine`: what results files record about this machine and build, its
// topology (or the one --topology names), and with --matrix the core-to-core map.
#include <cstdio>
#include <set>

#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/progress.h"
#include "measure/core_map.h"
#include "measure/hardware_counters.h"
#include "measure/machine_info.h"
#include "measure/topology.h"
#include "persistence/file_io.h"
#include "run/json_writer.h"

namespace swlab::cli {

namespace {

struct MachineOptions {
  std::string topology;
  bool matrix = false;
  double budget_s = 60;
  std::string out;
};

// One line a fact, "key value", so that scripts (scripts/grids.sh) read them with sed.
void print_topology(const Topology& t) {
  std::printf("topology     %s: %s\npackages     %d\nnuma_nodes   %d\nl3_domains   %d\ncores        %d\ncpus         %d\n",
              t.origin().c_str(), t.summary().c_str(), t.packages, t.numa_nodes, t.l3_domains, t.cores, t.pus());
  std::vector<int> domains;
  for (const TopologyCpu& c : t.cpus)
    if (domains.empty() || domains.back() != c.l3) domains.push_back(c.l3);
  std::set<int> printed;
  for (int d : domains) {
    if (!printed.insert(d).second) continue;
    std::vector<int> cores, cpus;
    std::set<int> packages, nodes;
    for (const TopologyCpu& c : t.cpus)
      if (c.l3 == d) {
        cores.push_back(c.core);
        cpus.push_back(c.cpu);
        packages.insert(c.package);
        nodes.insert(c.node);
      }
    std::printf("l3 %-9d cores %s, CPUs %s (package %d, node %d)\n", d, cpu_ranges(cores).c_str(),
                cpu_ranges(cpus).c_str(), *packages.begin(), *nodes.begin());
  }
}

void print_map(const CoreMap& map) {
  std::printf("\ncore-to-core round trip (p50, ns): %zu of %d cores%s, %.3g s a pair, %.1f s in all\n", map.cores.size(),
              map.machine_cores, map.sampled() ? " (an evenly spaced sample)" : "", map.pair_s, map.seconds);
  for (const CoreMapClass& c : core_map_classes(map))
    std::printf("  %-16s median %6lld ns over %zu pair%s\n", c.name.c_str(), static_cast<long long>(c.median_p50_ns),
                c.pairs, c.pairs == 1 ? "" : "s");
  if (map.cores.size() > 16) return;  // a grid wider than a terminal: the figure shows it
  std::printf("\n  cpu  ");
  for (const TopologyCpu& c : map.cores) std::printf("%7d", c.cpu);
  std::printf("\n");
  for (std::size_t i = 0; i < map.cores.size(); ++i) {
    std::printf("  %-5d", map.cores[i].cpu);
    for (std::size_t j = 0; j < map.cores.size(); ++j) {
      if (map.p50_ns[i][j] < 0) {
        std::printf("%7s", "-");
      } else {
        std::printf("%7lld", static_cast<long long>(map.p50_ns[i][j]));
      }
    }
    std::printf("\n");
  }
  if (!map.all_pinned) std::printf("  (some pairs could not be pinned: the scheduler chose their CPUs)\n");
}

void matrix_rows(JsonWriter& j, const char* key, const std::vector<std::vector<int64_t>>& m) {
  j.key(key).begin_array();
  for (const auto& row : m) {
    std::string r = "[";
    for (std::size_t k = 0; k < row.size(); ++k)
      r += (k ? ", " : "") + (row[k] < 0 ? std::string("null") : std::to_string(row[k]));
    j.raw_json(r + "]");
  }
  j.end_array();
}

// The map as scripts/plot.py (scripts/core_map.py) reads it.
std::string map_json(const CoreMap& map, const MachineInfo& m, const Topology& t) {
  JsonWriter j;
  j.begin_object();
  j.field("format", "swlab-core-map");
  j.field("version", 1);
  j.field("created", utc_timestamp());
  j.key("machine").begin_object();
  j.field("hostname", m.hostname);
  j.field("cpu_model", m.cpu_model);
  j.field("logical_cpus", m.logical_cpus);
  j.field("label", m.label);
  j.field("topology", t.summary());
  j.end_object();
  j.field("machine_cores", map.machine_cores);
  j.field("sampled", map.sampled());
  j.field("pair_s", map.pair_s);
  j.field("seconds", map.seconds);
  j.field("all_pinned", map.all_pinned);
  j.key("cores").begin_array();
  for (const TopologyCpu& c : map.cores)
    j.raw_json("{\"cpu\": " + std::to_string(c.cpu) + ", \"core\": " + std::to_string(c.core) + ", \"l3\": " +
               std::to_string(c.l3) + ", \"node\": " + std::to_string(c.node) + ", \"package\": " +
               std::to_string(c.package) + "}");
  j.end_array();
  matrix_rows(j, "p50_ns", map.p50_ns);
  matrix_rows(j, "p99_ns", map.p99_ns);
  j.end_object();
  return j.str() + "\n";
}

int parse_machine_flags(const std::vector<std::string>& args, MachineOptions* o, Flags& f) {
  f.text("--topology", "SPEC",
         "describe another topology instead: an XML export (lstopo FILE.xml) or hwloc's synthetic notation, "
         "e.g. 'package:2 l3:4 core:8 pu:2'",
         &o->topology);
  f.flag("--matrix", "measure the core-to-core map: the ping-pong round trip between every pair of cores (a sample "
         "on big machines) and between each core's SMT siblings; about --budget seconds",
         &o->matrix);
  f.number("--budget", "S", "--matrix: seconds the map may take (default: 60; 0.25 s a pair at most)", &o->budget_s, 1,
           3600);
  f.text("--out", "FILE", "--matrix: also write the map as JSON to FILE (scripts/plot.py FILE draws the heatmap)",
         &o->out);
  if (int rc = f.parse(args); rc >= 0) return rc;
  if (!o->matrix && (f.given("--budget") || f.given("--out")))
    return f.error(std::string(f.given("--budget") ? "--budget" : "--out") + " needs --matrix");
  if (o->matrix && !o->topology.empty())
    return f.error("--matrix measures this machine; it cannot measure the one --topology describes");
  std::string why;
  if (!o->out.empty() && !check_writable_file(o->out, &why)) return f.error("--out: " + why);
  return -1;
}

}  // namespace

int cmd_machine(const std::vector<std::string>& args) {
  Flags f("machine", "[--topology SPEC] [--matrix [--budget S] [--out FILE]]",
          "Prints what results files record about this machine and build, the default\n"
          "results directory name (results/<date>.<cpu>.<cores>c.<commit>) and the topology\n"
          "placement plans against (packages, NUMA nodes, L3 domains, cores, SMT); with\n"
          "--matrix, measures the core-to-core map (docs/methodology.md).");
  MachineOptions o;
  if (int rc = parse_machine_flags(args, &o, f); rc >= 0) return rc;
  Topology topology;
  std::string why;
  if (!load_topology(o.topology, &topology, &why)) return f.error("--topology: " + why);
  MachineInfo m = collect_machine_info("");
  std::printf("hostname     %s\ncpu_model    %s\nlogical_cpus %d\nkernel       %s\ncompiler     %s\n"
              "build_type   %s\nbuild_flags  %s\ngit_commit   %s%s\nresults_dir  results/%s\n",
              m.hostname.c_str(), m.cpu_model.c_str(), m.logical_cpus, m.kernel.c_str(), m.compiler.c_str(),
              m.build_type.c_str(), m.build_flags.c_str(), m.git_commit.c_str(), m.git_dirty ? " (dirty)" : "",
              results_dir_name(m).c_str());
  const HardwareCounts c = probe_hardware_counters();
  std::printf("hw_counters  %s\n", c.exposed ? (c.user_only ? "exposed (user space only)" : "exposed")
                                             : ("not exposed: " + c.why).c_str());
  print_topology(topology);
  if (!o.matrix) return kExitOk;
  std::fflush(stdout);
  CoreMapOptions mo;
  mo.budget_s = o.budget_s;
  std::unique_ptr<Progress> progress = make_progress(false);
  const CoreMap map = measure_core_map(topology, mo, [&](std::size_t done, std::size_t total) {
    progress->start(done, total, "core-to-core map");
  });
  progress->finish();
  print_map(map);
  if (!o.out.empty()) {
    if (!durable_write_file(o.out, map_json(map, m, topology), &why)) {
      std::fprintf(stderr, "swlab machine: %s\n", why.c_str());
      return kExitFailure;
    }
    std::printf("\nmap: %s (scripts/plot.py %s draws it)\n", o.out.c_str(), o.out.c_str());
  }
  return kExitOk;
}

}  // namespace swlab::cli
