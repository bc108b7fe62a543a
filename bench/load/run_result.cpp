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

std::size_t RunResult::complete_intervals() const {
  if (interval_ns <= 0) return 0;
  const double interval_s = static_cast<double>(interval_ns) * 1e-9;
  const double end = duration_s * (1 + 1e-9) + 1e-9;
  std::size_t n = 0;
  for (const IntervalStats& s : series) n += s.start_s + interval_s <= end;
  return n;
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

bool within(double last, double first, double limit) {
  if (first == last) return true;
  if (first <= 0 || last <= 0) return false;
  return last / first >= 1 / limit && last / first <= limit;
}

}  // namespace

int RunResult::steady() const {
  const std::size_t n = complete_intervals();
  if (n < kSteadyMinIntervals) return -1;
  const std::size_t third = n / 3;
  std::vector<double> p50_first, p50_last, cmd_first, cmd_last;
  for (std::size_t i = 0; i < third; ++i) {
    p50_first.push_back(static_cast<double>(series[i].p50_ns));
    cmd_first.push_back(static_cast<double>(series[i].commands));
    p50_last.push_back(static_cast<double>(series[n - third + i].p50_ns));
    cmd_last.push_back(static_cast<double>(series[n - third + i].commands));
  }
  return within(median(p50_last), median(p50_first), kSteadyLimit) &&
         within(median(cmd_last), median(cmd_first), kSteadyLimit);
}

}  // namespace swlab
