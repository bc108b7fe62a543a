#include "load/run_result.h"

#include <algorithm>
#include <cmath>

namespace swlab {

double RunResult::tail_stability() const {
  std::vector<int64_t> p99s;
  // The last interval is cut short by the end of the run: left out.
  for (std::size_t i = 0; i + 1 < series.size(); ++i)
    if (series[i].commands >= kMinIntervalCommands) p99s.push_back(series[i].p99_ns);
  if (p99s.size() < kMinIntervals) return -1;
  std::sort(p99s.begin(), p99s.end());
  const auto rank = [&](double p) {  // nearest rank
    std::size_t r = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(p99s.size())));
    return p99s[std::clamp<std::size_t>(r, 1, p99s.size()) - 1];
  };
  const int64_t median = rank(50);
  return median > 0 ? static_cast<double>(rank(99)) / static_cast<double>(median) : -1;
}

}  // namespace swlab
