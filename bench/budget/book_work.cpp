#include "budget/book_work.h"

#include <algorithm>
#include <vector>

#include "budget/round_trip_timer.h"
#include "core/exchange.h"

namespace swlab {

namespace {

template <class Clock>
BookWork book_work(const WorkloadSpec& workload, uint64_t seed, uint64_t commands, const std::atomic<bool>* stop) {
  Exchange ex(workload.markets);
  for (const Command& c : setup_commands(workload)) ex.apply(c, nullptr);
  // Generated before anything is timed: the generator is measured apart.
  CommandStream stream(workload, seed, 0);
  std::vector<Command> warm(commands), batch(commands), single(commands);
  for (Command& c : warm) c = stream.next();
  for (Command& c : batch) c = stream.next();
  for (Command& c : single) c = stream.next();
  ReplyBuffers out;
  for (const Command& c : warm) ex.apply(c, &out);
  BookWork w;
  const int64_t t0 = Clock::ticks();
  for (const Command& c : batch) ex.apply(c, &out);
  w.mix_mean_ns = static_cast<double>(Clock::to_ns(Clock::ticks() - t0)) / static_cast<double>(commands);
  // One at a time: each command between two clock reads, the read's cost subtracted.
  const double read_ns = clock_overhead_ns<Clock>();
  std::array<int64_t, kCommandTypeCount> total{};
  HdrHistogram h;
  for (std::size_t i = 0; i < single.size(); ++i) {
    if ((i & 4095) == 0 && stop != nullptr && stop->load(std::memory_order_relaxed)) break;
    const auto t = static_cast<std::size_t>(single[i].type);
    const int64_t a = Clock::ticks();
    ex.apply(single[i], &out);
    const int64_t ns = Clock::to_ns(Clock::ticks() - a);
    total[t] += ns;
    h.record(ns);
    ++w.type_count[t];
  }
  w.per_command.p50_ns = std::max(0.0, static_cast<double>(h.value_at_percentile(50)) - read_ns);
  w.per_command.p999_ns = std::max(0.0, static_cast<double>(h.value_at_percentile(99.9)) - read_ns);
  for (int t = 0; t < kCommandTypeCount; ++t)
    if (w.type_count[t] > 0)
      w.type_ns[t] = static_cast<double>(total[t]) / static_cast<double>(w.type_count[t]) - read_ns;
  return w;
}

}  // namespace

BookWork measure_book_work(const WorkloadSpec& workload, uint64_t seed, ClockKind clock, uint64_t commands,
                           const std::atomic<bool>* stop) {
  if (clock == ClockKind::kTsc) return book_work<TscClock>(workload, seed, commands, stop);
  return book_work<SteadyClock>(workload, seed, commands, stop);
}

}  // namespace swlab
