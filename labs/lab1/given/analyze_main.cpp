// lab1_analyze: runs your analysis (analysis.cpp) on a summary.csv from
// `swlab sweep` and prints, per engine and preset, the table your write-up needs.
// Given: frozen.
//
//   lab1_analyze SUMMARY.csv [--k K] [--ctx C]
//     --k K    a point's tail ratio must pass K x the baseline's to count (default 2)
//     --ctx C  context switches per 1000 commands below which a tail is put down to
//              coherence traffic rather than sleeping or preemption (default 1)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "analysis.h"
#include "lab_support.h"

using namespace swlab::lab1;

namespace {

std::string knee_text(const std::optional<uint32_t>& k) { return k ? std::to_string(*k) + " threads" : "none"; }

int run(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lab1_analyze SUMMARY.csv [--k K] [--ctx C]\n");
    return 2;
  }
  double k = 2.0, ctx = 1.0;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--k") {
      k = std::atof(argv[i + 1]);
    } else if (flag == "--ctx") {
      ctx = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr, "lab1_analyze: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "lab1_analyze: cannot read %s\n", argv[1]);
    return 2;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::vector<Row> rows;
  std::string error;
  if (!parse_summary_csv(ss.str(), &rows, &error)) {
    std::fprintf(stderr, "lab1_analyze: %s: %s\n", argv[1], error.c_str());
    return 2;
  }
  std::set<std::pair<std::string, std::string>> series;
  for (const Row& r : rows) series.insert({r.engine, r.preset});
  for (const auto& [engine, preset] : series) {
    const auto pts = summarize(rows, engine, preset);
    if (pts.empty()) continue;
    const auto s = speedups(pts);
    std::printf("\n%s, %s (k = %.2f, ctx threshold = %.2f/1k)\n", engine.c_str(), preset.c_str(), k, ctx);
    std::printf("%5s %4s %12s %8s %9s %9s %10s %8s %9s %9s %8s %-11s %-11s\n", "thr", "reps", "throughput", "speedup",
                "p50 ns", "p99 ns", "p99.9 ns", "p99/p50", "p999/p50", "vol/1k", "inv/1k", "cause p99", "cause p99.9");
    for (size_t i = 0; i < pts.size(); ++i) {
      const Point& p = pts[i];
      std::printf("%4u%s %4u %12.0f %8.2f %9.0f %9.0f %10.0f %8.2f %9.2f %9.3f %8.3f %-11s %-11s\n", p.threads,
                  p.oversubscribed ? "*" : " ", p.repetitions, p.throughput, s[i], p.p50_ns, p.p99_ns, p.p999_ns,
                  tail_ratio(p, Tail::kP99), tail_ratio(p, Tail::kP999), p.voluntary_per_1000, p.involuntary_per_1000,
                  std::string(to_string(explain(p, pts[0], Tail::kP99, k, ctx))).c_str(),
                  std::string(to_string(explain(p, pts[0], Tail::kP999, k, ctx))).c_str());
    }
    std::printf("knee: p99 leaves p50 behind at %s; p99.9 at %s\n", knee_text(tail_knee(pts, Tail::kP99, k)).c_str(),
                knee_text(tail_knee(pts, Tail::kP999, k)).c_str());
  }
  std::printf("\n* oversubscribed: more busy threads than CPUs\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const swlab::labs::NotImplemented& e) {
    std::fprintf(stderr, "lab1_analyze: not implemented yet: %s\n", e.what());
    return 1;
  }
}
