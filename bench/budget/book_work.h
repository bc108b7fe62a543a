// The order book's own work, on one thread with no engine around it: the preset's
// commands (the stream a run's first client sends, after the same set-up deposits and a
// warm-up batch, as a run's warm-up leaves the book) applied to an Exchange, as a batch
// (the mix's mean per command) and one at a time: their distribution (the budget's part:
// the median, since the budget is of the median round trip, and a mean carries the
// page faults and pool growth of the book's first minutes) and their mean by type.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "budget/latency_budget.h"
#include "core/types.h"
#include "load/load_config.h"
#include "load/workload.h"

namespace swlab {

struct BookWork {
  double mix_mean_ns = 0;                           // the batch's wall time over its commands
  Quantiles per_command;                            // one command at a time, less a clock read
  std::array<double, kCommandTypeCount> type_ns{};  // mean per command of each type (less a clock read)
  std::array<uint64_t, kCommandTypeCount> type_count{};
};

BookWork measure_book_work(const WorkloadSpec& workload, uint64_t seed, ClockKind clock, uint64_t commands,
                           const std::atomic<bool>* stop);

}  // namespace swlab
