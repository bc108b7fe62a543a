// Lab 1: measure the baseline. The frozen interface of the analysis you write in
// analysis.cpp: from the summary.csv that `swlab sweep` writes, find where the tail
// leaves the median behind and say why (docs/labs/lab1.md).
//
// Every function is pure (no I/O, no globals) so the autograder can check it against
// fixtures with known answers (labs/lab1/fixtures/, labs/lab1/test_lab1.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace swlab::lab1 {

// One row of summary.csv (docs/results-format.md): the columns this lab uses.
struct Row {
  std::string engine;
  std::string preset;
  std::string mode;  // "closed" or "open"
  uint32_t threads = 0;
  uint32_t repetition = 0;
  bool oversubscribed = false;
  uint64_t commands = 0;  // replies received in the measured part
  double throughput = 0;  // commands per second
  int64_t p50_ns = 0;
  int64_t p99_ns = 0;
  int64_t p999_ns = 0;
  int64_t ctx_voluntary = 0;    // the process's voluntary context switches in the measured part
  int64_t ctx_involuntary = 0;  // and its involuntary ones
};

// Reads the text of a summary.csv. False, with *error naming the line, when the
// header is not the one swlab writes or a row does not parse. (Given: frozen.)
bool parse_summary_csv(std::string_view text, std::vector<Row>* rows, std::string* error);

// One thread count of one (engine, preset) in closed loop, its repetitions combined.
struct Point {
  uint32_t threads = 0;
  uint32_t repetitions = 0;     // rows combined
  bool oversubscribed = false;  // any of them oversubscribed
  // Each of the following is the median over the repetitions of the row's value.
  double throughput = 0;
  double p50_ns = 0;
  double p99_ns = 0;
  double p999_ns = 0;
  double voluntary_per_1000 = 0;    // per_1000(ctx_voluntary, commands) of each row
  double involuntary_per_1000 = 0;  // per_1000(ctx_involuntary, commands) of each row
};

enum class Tail { kP99, kP999 };

// Why a point's tail left the median behind (explain() below says how to decide).
enum class TailCause {
  kNone,        // it did not: the tail ratio is within k times the baseline's
  kCoherence,   // few context switches: the time goes to cache-line transfers (the lock
                // word and the book's lines moving between cores) and to spinning
  kSleeping,    // mostly voluntary switches: threads sleep on the lock's futex and are
                // woken one by one (a lock convoy)
  kPreemption,  // mostly involuntary switches: the scheduler takes the CPU away (more
                // runnable threads than CPUs; a preempted lock holder stalls everyone)
};

// ---- What you write (analysis.cpp). Each has a TODO(lab1). -------------------

// 1000 * events / commands: events per thousand commands. 0 when commands is 0.
double per_1000(int64_t events, uint64_t commands);

// The median: the middle value of the sorted values, or the mean of the two middle
// values when there is an even number of them. 0 for an empty vector.
double median(std::vector<double> values);

// The closed-loop rows of (engine, preset) grouped by thread count, one Point per
// thread count, in ascending order of threads. Rows of other engines or presets,
// and open-loop rows, are ignored. Empty if no row matches.
std::vector<Point> summarize(const std::vector<Row>& rows, std::string_view engine, std::string_view preset);

// The point's tail latency (p99 or p99.9) divided by its p50. 0 when p50 is 0.
double tail_ratio(const Point& p, Tail tail);

// The tail leaves the median behind at the first point, after the first one, whose
// tail ratio exceeds k times the first point's (the baseline, normally 1 thread).
// Its thread count, or nullopt if none does (or there are fewer than two points).
// `points` is in ascending order of threads, as summarize() returns it.
std::optional<uint32_t> tail_knee(const std::vector<Point>& points, Tail tail, double k);

// Throughput of each point divided by the first point's: the speedup over the
// baseline (1.0 for the first point). All 0 if the first point's throughput is 0.
std::vector<double> speedups(const std::vector<Point>& points);

// Classifies point p against the baseline:
//   kNone        if tail_ratio(p) <= k * tail_ratio(baseline);
//   otherwise, with ctx = voluntary_per_1000 + involuntary_per_1000 of p:
//   kCoherence   if ctx < ctx_threshold;
//   kPreemption  if involuntary_per_1000 > voluntary_per_1000;
//   kSleeping    otherwise.
TailCause explain(const Point& p, const Point& baseline, Tail tail, double k, double ctx_threshold);

std::string_view to_string(TailCause c);

}  // namespace swlab::lab1
