// Runs the registered model checks (model_check.h): every one, or those --check
// selects. For each it prints
//   [ MODEL    ] NAME: WHAT (threads: 0=engine 1=caller; context bound 3)
// then Relacy's own output (on a failure: the verdict and the execution history),
// then one of
//   [       OK ] NAME: N executions in T ms
//   [  FAILED  ] NAME: VERDICT
// Exit status 0 when every check held, 1 when one failed, 2 on a usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fnmatch.h>

#include "model/model_check.h"

namespace {

void usage() {
  std::fprintf(stderr,
               "usage: %s [--list] [--check GLOB[:GLOB...]] [--context-bound N] [--random N]\n"
               "  runs the model checks of this harness (every one by default): every interleaving\n"
               "  up to the context bound (each check has its own; --context-bound overrides it),\n"
               "  or with --random N, N random ones (a quick look at a bigger bound)\n",
               program_invocation_short_name);
}

bool selected(const char* name, const std::string& patterns) {
  if (patterns.empty()) return true;
  std::size_t start = 0;
  while (start <= patterns.size()) {
    const std::size_t end = patterns.find(':', start);
    const std::string p = patterns.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!p.empty() && fnmatch(p.c_str(), name, 0) == 0) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

struct Options {
  std::string patterns;
  unsigned bound = 0;   // 0: each check's own
  unsigned random = 0;  // > 0: that many random executions instead of the bounded search
  bool list = false;
};

bool run_one(const swlab::model::Check& c, const Options& o) {
  rl::test_params p;
  // --context-bound asks for the bounded search; --random for random executions.
  const unsigned random = o.bound ? 0 : o.random ? o.random : c.random;
  p.search_type = random ? rl::sched_random : rl::sched_bound;
  p.iteration_count = random;
  p.context_bound = o.bound ? o.bound : c.context_bound;
  p.output_stream = &std::cout;
  p.progress_stream = &std::cout;
  p.progress_output_period = 1000000;  // no progress lines: a check takes well under a second
  std::printf("[ MODEL    ] %s: %s (threads:", c.name, c.what);
  for (std::size_t i = 0; i < c.threads.size(); ++i) std::printf(" %zu=%s", i, c.threads[i]);
  if (random) {
    std::printf("; %u seeded random executions)\n", random);
  } else {
    std::printf("; context bound %u)\n", p.context_bound);
  }
  std::fflush(stdout);
  const auto t0 = std::chrono::steady_clock::now();
  const bool ok = c.run(p);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::cout.flush();
  if (ok) {
    std::printf("[       OK ] %s: %llu executions in %.0f ms\n", c.name,
                static_cast<unsigned long long>(p.stop_iteration), ms);
  } else {
    std::printf("[  FAILED  ] %s: %s after %llu executions, %.0f ms\n", c.name,
                rl::test_result_str(p.test_result), static_cast<unsigned long long>(p.stop_iteration), ms);
  }
  std::fflush(stdout);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--list") == 0) {
      o.list = true;
    } else if (std::strcmp(argv[i], "--check") == 0 && has_value) {
      o.patterns = argv[++i];
    } else if ((std::strcmp(argv[i], "--context-bound") == 0 || std::strcmp(argv[i], "--random") == 0) && has_value) {
      const bool bound = argv[i][2] == 'c';
      const unsigned long most = bound ? 8 : 100000000;
      char* end = nullptr;
      const unsigned long v = std::strtoul(argv[i + 1], &end, 10);
      if (*end != '\0' || argv[i + 1][0] == '-' || v < 1 || v > most) {
        std::fprintf(stderr, "%s: %s takes 1 to %lu, not '%s'\n", program_invocation_short_name, argv[i], most,
                     argv[i + 1]);
        return 2;
      }
      (bound ? o.bound : o.random) = static_cast<unsigned>(v);
      ++i;
    } else {
      usage();
      return 2;
    }
  }
  int failed = 0;
  int ran = 0;
  for (const auto& c : swlab::model::checks()) {
    if (!selected(c.name, o.patterns)) continue;
    ++ran;
    if (o.list) {
      std::printf("%s: %s\n", c.name, c.what);
      continue;
    }
    failed += run_one(c, o) ? 0 : 1;
  }
  if (ran == 0) {
    std::fprintf(stderr, "%s: no model check matches '%s'\n", program_invocation_short_name, o.patterns.c_str());
    return 2;
  }
  return failed ? 1 : 0;
}
