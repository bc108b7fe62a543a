// One client's latency recorder: a sample per measured reply into a buffer, filed in
// bulk into the run's histogram, the command type's and the current interval's
// between two commands, never inside a latency; finished intervals are handed to a
// live display. Every loop (closed, pipelined, service) records through it.
//
// A sample is one 8-byte store of the latency in the clock's ticks: the three
// histogram records it stands for, and the scaling of ticks to ns, cost about 15 ns a
// command when done inline, which is what the generator adds to every latency it
// measures (docs/methodology.md, "The generator's own cost"). Every time here is in
// ticks (measure/clock.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>

#include "load/client_shared.h"

namespace swlab::load_detail {

template <class Clock>
class LatencyRecorder {
 public:
  LatencyRecorder(ClientResult& out, int64_t interval_ticks) : out_(out), interval_(interval_ticks) {}

  // The measured part begins at `at`: its first interval ends one interval later.
  void begin(int64_t at) {
    next_boundary_ = at + interval_;
    interval_index_ = 0;
  }

  // Records a measured latency that ended at `done_ns`. Returns true when it also
  // filed the buffered samples (and handed a finished interval to a live display):
  // the caller then reads the clock again, so that this work is in no command's
  // latency (in a closed loop the next one starts at this reply).
  [[gnu::always_inline]] bool add(int64_t done, int64_t latency, CommandType type) {
    bool filed = false;
    if (done >= next_boundary_) {
      next_interval(done);
      filed = true;
    }
    samples_[samples_n_++] = pack(latency, type);
    if (samples_n_ == kBatch) {
      file();
      filed = true;
    }
    return filed;
  }

  // The end of the client's run: everything buffered, and the last, unfinished
  // interval handed over too.
  void finish() {
    file();
    hand_over(SIZE_MAX);
  }

 private:
  // A sample: the latency in the low 56 bits (signed: a negative one is a broken
  // clock, which the histogram counts), the command type in the top 8.
  static constexpr std::size_t kBatch = 4096;
  static constexpr uint64_t kLatencyMask = (uint64_t{1} << 56) - 1;

  static uint64_t pack(int64_t latency, CommandType type) {
    constexpr int64_t kMax = (int64_t{1} << 55) - 1;  // a year; the histogram clamps far lower
    latency = std::clamp(latency, -kMax, kMax);
    return (static_cast<uint64_t>(latency) & kLatencyMask) | (uint64_t{static_cast<uint8_t>(type)} << 56);
  }

  // The interval that holds `done_ns` begins: the samples so far belong to the one
  // that has just ended.
  [[gnu::noinline]] void next_interval(int64_t done) {
    file();
    while (done >= next_boundary_) {
      ++interval_index_;
      next_boundary_ += interval_;
    }
    hand_over(interval_index_);
  }

  // Files the buffered samples: three records a sample, in bulk. Timed, like a
  // refill, so that the generator's cost can be split into what is inside the
  // latencies and what is not.
  [[gnu::noinline]] void file() {
    if (samples_n_ == 0) return;
    const int64_t before = Clock::ticks();
    if (interval_index_ >= out_.series.size()) out_.series.resize(interval_index_ + 1);
    IntervalHistogram& interval = out_.series[interval_index_];
    for (std::size_t i = 0; i < samples_n_; ++i) {
      const uint64_t s = samples_[i];
      const int64_t latency = Clock::to_ns(static_cast<int64_t>(s << 8) >> 8);  // sign-extends the 56 bits
      out_.latency.record(latency);
      out_.by_type[s >> 56].record(latency);
      interval.record(latency);
    }
    samples_n_ = 0;
    out_.between_commands += Clock::ticks() - before;
  }

  // Live display: hands the intervals before `upto` to the coordinator, each once.
  [[gnu::noinline]] void hand_over(std::size_t upto) {
    if (!out_.live) return;
    upto = std::min(upto, out_.series.size());
    if (handed_ >= upto) return;
    std::lock_guard guard(out_.live->mutex);
    for (; handed_ < upto; ++handed_) out_.live->pending.merge(out_.series[handed_]);
  }

  ClientResult& out_;
  const int64_t interval_;
  int64_t next_boundary_ = INT64_MAX;
  std::size_t interval_index_ = 0;
  std::size_t handed_ = 0;  // intervals handed to the live display
  std::unique_ptr<uint64_t[]> samples_ = std::make_unique<uint64_t[]>(kBatch);
  std::size_t samples_n_ = 0;
};

}  // namespace swlab::load_detail
