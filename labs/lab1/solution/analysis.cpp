// Lab 1 reference solution (instructors only: labs/make_handout.sh leaves solution/ out).
#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include "analysis.h"

#include <algorithm>
#include <map>

namespace swlab::lab1 {

double per_1000(int64_t events, uint64_t commands) {
  if (commands == 0) return 0;
  return 1000.0 * static_cast<double>(events) / static_cast<double>(commands);
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::vector<Point> summarize(const std::vector<Row>& rows, std::string_view engine, std::string_view preset) {
  std::map<uint32_t, std::vector<const Row*>> groups;  // ordered by threads
  for (const Row& r : rows)
    if (r.engine == engine && r.preset == preset && r.mode == "closed") groups[r.threads].push_back(&r);
  std::vector<Point> out;
  for (const auto& [threads, group] : groups) {
    Point p;
    p.threads = threads;
    p.repetitions = static_cast<uint32_t>(group.size());
    std::vector<double> thr, p50, p99, p999, vol, invol;
    for (const Row* r : group) {
      p.oversubscribed = p.oversubscribed || r->oversubscribed;
      thr.push_back(r->throughput);
      p50.push_back(static_cast<double>(r->p50_ns));
      p99.push_back(static_cast<double>(r->p99_ns));
      p999.push_back(static_cast<double>(r->p999_ns));
      vol.push_back(per_1000(r->ctx_voluntary, r->commands));
      invol.push_back(per_1000(r->ctx_involuntary, r->commands));
    }
    p.throughput = median(thr);
    p.p50_ns = median(p50);
    p.p99_ns = median(p99);
    p.p999_ns = median(p999);
    p.voluntary_per_1000 = median(vol);
    p.involuntary_per_1000 = median(invol);
    out.push_back(p);
  }
  return out;
}

double tail_ratio(const Point& p, Tail tail) {
  if (p.p50_ns == 0) return 0;
  return (tail == Tail::kP99 ? p.p99_ns : p.p999_ns) / p.p50_ns;
}

std::optional<uint32_t> tail_knee(const std::vector<Point>& points, Tail tail, double k) {
  if (points.size() < 2) return std::nullopt;
  const double base = tail_ratio(points.front(), tail);
  for (size_t i = 1; i < points.size(); ++i)
    if (tail_ratio(points[i], tail) > k * base) return points[i].threads;
  return std::nullopt;
}

std::vector<double> speedups(const std::vector<Point>& points) {
  std::vector<double> out;
  for (const Point& p : points)
    out.push_back(points.front().throughput == 0 ? 0 : p.throughput / points.front().throughput);
  return out;
}

TailCause explain(const Point& p, const Point& baseline, Tail tail, double k, double ctx_threshold) {
  if (tail_ratio(p, tail) <= k * tail_ratio(baseline, tail)) return TailCause::kNone;
  if (p.voluntary_per_1000 + p.involuntary_per_1000 < ctx_threshold) return TailCause::kCoherence;
  if (p.involuntary_per_1000 > p.voluntary_per_1000) return TailCause::kPreemption;
  return TailCause::kSleeping;
}

}  // namespace swlab::lab1
