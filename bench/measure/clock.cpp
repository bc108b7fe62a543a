#include "measure/clock.h"

#include <cmath>
#include <fstream>
#include <thread>

namespace swlab {

bool invariant_tsc(std::string* why) {
#if defined(__x86_64__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  bool constant = false, nonstop = false;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) == 0) {
      constant = line.find(" constant_tsc") != std::string::npos;
      nonstop = line.find(" nonstop_tsc") != std::string::npos;
      break;
    }
  }
  if (!constant || !nonstop) {
    *why = "this CPU does not report an invariant TSC (constant_tsc and nonstop_tsc)";
    return false;
  }
  return true;
#else
  *why = "the TSC clock is only available on x86-64";
  return false;
#endif
}

bool calibrate_tsc(std::string* why) {
#if defined(__x86_64__)
  if (!invariant_tsc(why)) return false;
  auto t0 = std::chrono::steady_clock::now();
  uint64_t c0 = __builtin_ia32_rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto t1 = std::chrono::steady_clock::now();
  uint64_t c1 = __builtin_ia32_rdtsc();
  double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
  TscClock::ns_per_tick_q32 = std::llround(ns / static_cast<double>(c1 - c0) * 4294967296.0);
  TscClock::ticks_per_ns_ = static_cast<double>(c1 - c0) / ns;
  TscClock::base_ticks = c1;
  TscClock::base_ns = SteadyClock::now_ns();
  return true;
#else
  *why = "the TSC clock is only available on x86-64";
  return false;
#endif
}

}  // namespace swlab
