#include "run/run_record.h"

#include <algorithm>

namespace swlab {

std::string run_id(const RunRecord& r) {
  const LoadConfig& l = r.load;
  std::string id = r.engine + "." + r.preset + "." + to_string(l.mode) + ".t" + std::to_string(l.threads) + ".w" +
                   std::to_string(l.window);
  // Every digit of the rate: 1000.4 and 1000.2 are two configurations, and two ids.
  if (l.mode == LoadMode::kOpen) id += ".rate" + shortest(l.rate);
  if (l.mode == LoadMode::kService) id += ".c" + std::to_string(l.connections);
  return id + ".r" + std::to_string(r.repetition);
}

bool RunRecord::unstable_floor() const {
  if (!floor_measured || floor_before.p50_ns <= 0 || floor_after.p50_ns <= 0) return false;
  const double a = static_cast<double>(floor_before.p50_ns), b = static_cast<double>(floor_after.p50_ns);
  return std::max(a, b) / std::min(a, b) > kUnstableFloorRatio;
}

}  // namespace swlab
