// Lab 1: your analysis. Implement every function marked TODO(lab1); the contract of
// each is in analysis.h. `ctest --preset debug -L lab1` checks them against
// fixtures; `labs/grade.sh 1` also runs them on a fresh measurement of this machine.
#include "analysis.h"

#include "lab_support.h"

namespace swlab::lab1 {

using labs::NotImplemented;

double per_1000(int64_t events, uint64_t commands) {
  // TODO(lab1): events per thousand commands.
  (void)events;
  (void)commands;
  throw NotImplemented("lab1: per_1000");
}

double median(std::vector<double> values) {
  // TODO(lab1): sort, take the middle (or the mean of the two middle values).
  (void)values;
  throw NotImplemented("lab1: median");
}

std::vector<Point> summarize(const std::vector<Row>& rows, std::string_view engine, std::string_view preset) {
  // TODO(lab1): keep the closed-loop rows of (engine, preset), group them by thread
  // count, and combine each group's repetitions with median().
  (void)rows;
  (void)engine;
  (void)preset;
  throw NotImplemented("lab1: summarize");
}

double tail_ratio(const Point& p, Tail tail) {
  // TODO(lab1): p99 (or p99.9) over p50.
  (void)p;
  (void)tail;
  throw NotImplemented("lab1: tail_ratio");
}

std::optional<uint32_t> tail_knee(const std::vector<Point>& points, Tail tail, double k) {
  // TODO(lab1): the first point after the baseline whose tail ratio passes k x the baseline's.
  (void)points;
  (void)tail;
  (void)k;
  throw NotImplemented("lab1: tail_knee");
}

std::vector<double> speedups(const std::vector<Point>& points) {
  // TODO(lab1): throughput relative to the first point.
  (void)points;
  throw NotImplemented("lab1: speedups");
}

TailCause explain(const Point& p, const Point& baseline, Tail tail, double k, double ctx_threshold) {
  // TODO(lab1): none, coherence, preemption or sleeping, by the rule in analysis.h.
  (void)p;
  (void)baseline;
  (void)tail;
  (void)k;
  (void)ctx_threshold;
  throw NotImplemented("lab1: explain");
}

}  // namespace swlab::lab1
