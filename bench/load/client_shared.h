// What the clients of one run share with the coordinator (the start and warm-up
// handshakes, who has finished) and what each hands back (its results), and the
// pieces every loop uses: pre-generated command streams and shares of fixed work.
// Internal to the load generator (load_generator.cpp and the loops).
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/engine.h"
#include "load/load_config.h"
#include "load/workload.h"
#include "measure/hdr_histogram.h"
#include "measure/interval_histogram.h"
#include "platform/cache_line.h"

namespace swlab::load_detail {

// Per-client results: written only by the client's own thread while it runs, read
// by the coordinator after the join. Each client's block starts on its own cache
// line so that neighbouring clients' counters never share one.
struct alignas(kCacheLine) ClientResult {
  HdrHistogram latency;
  std::unique_ptr<HdrHistogram> uncorrected;  // open loop only
  std::array<IntervalHistogram, kCommandTypeCount> by_type;
  std::vector<IntervalHistogram> series;  // one per interval of the measured part
  uint64_t offered = 0, unsent = 0, completed = 0, shed = 0, ok = 0;
  std::array<uint64_t, kRejectReasonCount> rejected{};
  uint64_t sent = 0, replies = 0;
  int64_t last_completion = 0;  // in the clock's ticks
  // Measured part: time spent between commands, inside no latency: pre-generating
  // commands and filing the latency samples into the histograms (ticks).
  int64_t between_commands = 0;
  int64_t between_commands_ns = 0;  // the same in ns, set when the client finishes
  // Open loop: how late each measured send was against its due time, and the late
  // sends that had waited for a slot (the window was full).
  HdrHistogram send_lateness;
  uint64_t window_stalled_sends = 0;
  // Service mode: measured replies of this worker's least and most served connection.
  uint64_t connection_min = UINT64_MAX, connection_max = 0;
  // A live display (LoadConfig::live): the client merges each finished interval into
  // `pending` and the coordinator takes it at its tick. The lock is taken once per
  // interval by each side, so it is never contended for long.
  struct LiveMailbox {
    std::mutex mutex;
    IntervalHistogram pending;
  };
  std::unique_ptr<LiveMailbox> live;
};
static_assert(alignof(ClientResult) == kCacheLine);

struct Shared {
  const LoadConfig* config = nullptr;
  Engine* engine = nullptr;
  std::atomic<uint32_t> ready{0};
  std::atomic<uint32_t> go{0};          // futex word: clients sleep on it until the start
  std::atomic<bool> abandon{false};     // set before `go`: not every client could be started
  int64_t start = 0;                    // ticks; written before `go`, read after
  // Fixed work: clients meet after their warm-up, and the measured part starts for
  // all of them at one instant (written before `measure_go`, read after).
  std::atomic<uint32_t> warmed{0};
  std::atomic<uint32_t> measure_go{0};  // futex word
  int64_t measure_start = 0;            // ticks
  // Clients that have finished; the coordinator's time-series sampler waits on it.
  std::mutex done_mutex;
  std::condition_variable done_cv;
  uint32_t finished = 0;
};

// A client's commands, generated in bulk before they are needed: generating one
// costs about 20 ns, which must not be inside any measured latency. Refilled
// outside the timed region (the caller re-reads the clock after a refill).
class PregeneratedStream {
 public:
  PregeneratedStream(const WorkloadSpec& spec, uint64_t seed, uint32_t client, std::size_t chunk)
      : stream_(spec, seed, client), buffer_(chunk) {
    refill();
  }
  // True when the next command is ready without a refill.
  bool ready() const { return next_ < buffer_.size(); }
  const Command& take() { return buffer_[next_++]; }
  void refill() {
    for (Command& c : buffer_) c = stream_.next();
    next_ = 0;
  }

 private:
  CommandStream stream_;
  std::vector<Command> buffer_;
  std::size_t next_ = 0;
};

// Commands pre-generated per client between refills: at most about 4 M commands
// (160 MB) over all clients, at most 16 K per client.
inline std::size_t chunk_for(uint32_t threads) {
  return std::clamp<std::size_t>((std::size_t{1} << 22) / threads, 256, 16384);
}

// Service mode: per connection, at most about 1 M commands over all of them; a
// connection sends one command per round trip, so a short chunk refills rarely.
inline std::size_t chunk_for_connections(uint32_t connections) {
  return std::clamp<std::size_t>((std::size_t{1} << 20) / connections, 64, 4096);
}

// This client's share of a total split over all clients.
inline uint64_t share(uint64_t total, uint32_t id, uint32_t threads) {
  return total / threads + (id < total % threads ? 1 : 0);
}

}  // namespace swlab::load_detail
