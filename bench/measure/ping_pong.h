// The cross-core ping-pong under every request/reply in swlab: thread A writes a
// sequence number into `ping`, thread B spins until it sees it and writes it back
// into `pong`, A spins until it sees the pong. One round trip is two cache-line
// transfers plus the polling: no queue, lock or wake-up can make a cross-core
// request/reply cheaper. Shared by the per-run floor probe (floor_probe.h) and the
// microbenchmark (bench/micro/bm_pingpong.cpp), so both measure the same thing.
#pragma once

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "platform/cache_line.h"
#include "platform/cpu_relax.h"

namespace swlab {

struct alignas(kCacheLine) PaddedFlag {
  std::atomic<uint64_t> value{0};
};

// ping (written by A, polled by B) and pong (written by B, polled by A), each on its
// own line: the layout every real request/reply path in swlab uses.
struct SeparateLines {
  PaddedFlag ping_line;
  PaddedFlag pong_line;
  std::atomic<uint64_t>& ping() { return ping_line.value; }
  std::atomic<uint64_t>& pong() { return pong_line.value; }
};
// A full kCacheLine (128, a prefetched pair of 64-byte lines) apart: a poll on one
// flag never pulls in the line holding the other.
static_assert(offsetof(SeparateLines, pong_line) - offsetof(SeparateLines, ping_line) >= kCacheLine,
              "ping and pong must be a cache line apart");

// Both flags in one line: every store invalidates the line the other thread is
// polling, including its own flag.
struct alignas(kCacheLine) SameLine {
  std::atomic<uint64_t> ping_value{0};
  std::atomic<uint64_t> pong_value{0};
  std::atomic<uint64_t>& ping() { return ping_value; }
  std::atomic<uint64_t>& pong() { return pong_value; }
};
// The struct is 128-aligned and both flags lie in its first 16 bytes, so they share one
// 64-byte line on any x86 or ARM part.
static_assert(offsetof(SameLine, pong_value) + sizeof(std::atomic<uint64_t>) <= 64,
              "both flags must be in one 64-byte line");

inline constexpr uint64_t kPingPongStop = std::numeric_limits<uint64_t>::max();

// How a ping-pong thread waits for its peer's store. The default: PAUSE between
// polls; after kPingPongSpinsBeforeYield failed polls in one wait, yield on every
// further poll. A round trip between two running cores takes a few hundred ns at
// most, so a wait that reaches 2048 polls (tens of microseconds) means the peer is
// not running (the machine is oversubscribed), and spinning through our time slice
// would only keep it off the CPU longer. bm_spin_suspects.cpp swaps in other waits
// (no PAUSE, other budgets, a budget in ns) to find what the spin loop itself costs.
inline constexpr int kPingPongSpinsBeforeYield = 2048;

// PAUSE up to N polls, then yield on every further poll.
template <int N>
struct PauseBudget {
  int spins = 0;
  // True: poll again at once; false: the caller yields.
  bool spin() {
    if (spins >= N) return false;
    ++spins;
    cpu_relax();
    return true;
  }
};

struct PauseThenYield : PauseBudget<kPingPongSpinsBeforeYield> {
  static constexpr const char* kName = "pause-2048";
};

// Spins until `flag` differs from `old` (acquire: what the writer did before its
// release store is visible); returns the new value and adds the yields it needed.
template <class Wait = PauseThenYield>
inline uint64_t wait_for_change(const std::atomic<uint64_t>& flag, uint64_t old, uint64_t* yields) {
  Wait wait;
  uint64_t v;
  while ((v = flag.load(std::memory_order_acquire)) == old) {
    if (!wait.spin()) {
      std::this_thread::yield();
      ++*yields;
    }
  }
  return v;
}

// Thread B's whole life: echo every ping until kPingPongStop.
template <class Flags, class Wait = PauseThenYield>
void ping_pong_echo(Flags& flags, uint64_t* yields) {
  uint64_t last = 0;
  while (true) {
    const uint64_t seq = wait_for_change<Wait>(flags.ping(), last, yields);
    if (seq == kPingPongStop) return;
    if constexpr (requires { flags.on_pong(); }) flags.on_pong();
    flags.pong().store(seq, std::memory_order_release);
    last = seq;
  }
}

// The first two CPUs in this thread's affinity mask, if two are allowed.
inline std::optional<std::pair<int, int>> first_two_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (pthread_getaffinity_np(pthread_self(), sizeof allowed, &allowed) != 0) return std::nullopt;
  int found[2];
  int n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE && n < 2; ++cpu)
    if (CPU_ISSET(cpu, &allowed)) found[n++] = cpu;
  if (n < 2) return std::nullopt;
  return std::pair{found[0], found[1]};
}

inline bool pin_current_thread(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
}

// Pins the calling thread to `cpu` (none: leaves it where it is) for the object's life,
// and gives its mask back at the end, so that a probe's pinning does not leak into the
// run or probe that follows.
class ScopedPin {
 public:
  explicit ScopedPin(std::optional<int> cpu) {
    CPU_ZERO(&saved_);
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
    if (cpu && saved_ok_) pin_current_thread(*cpu);
  }
  ScopedPin(const ScopedPin&) = delete;
  ScopedPin& operator=(const ScopedPin&) = delete;
  ~ScopedPin() {
    if (saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }

 private:
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

// One ping-pong session: pins the calling thread (A) and a new echo thread (B) to
// `cpus` when given, and waits until B is running, so its start-up stays out of
// anything timed. A's mask is saved and given back by finish(), so the pinning does
// not leak into the run or benchmark that follows.
template <class Flags, class Wait = PauseThenYield>
class PingPongSession {
 public:
  explicit PingPongSession(std::optional<std::pair<int, int>> cpus) {
    CPU_ZERO(&saved_);
    have_saved_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
    pinned_a_ = cpus && have_saved_ && pin_current_thread(cpus->first);
    b_ = std::thread([this, cpus] {
      if (cpus) pinned_b_ = pin_current_thread(cpus->second);
      b_ready_.store(true, std::memory_order_release);
      ping_pong_echo<Flags, Wait>(flags_, &b_yields_);
    });
    while (!b_ready_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  PingPongSession(const PingPongSession&) = delete;
  PingPongSession& operator=(const PingPongSession&) = delete;
  ~PingPongSession() { finish(); }

  // One round trip from A: ping, then wait for B's pong.
  void round_trip() {
    // A Flags type may model more of a real request (the engine's admission word):
    // on_ping() runs before the ping, on_pong() in B before the pong.
    if constexpr (requires { flags_.on_ping(); }) flags_.on_ping();
    flags_.ping().store(++seq_, std::memory_order_release);
    wait_for_change<Wait>(flags_.pong(), seq_ - 1, &a_yields_);
  }
  // Stops B and restores A's mask; B's writes (pinned, yields) are visible after it.
  void finish() {
    if (!b_.joinable()) return;
    flags_.ping().store(kPingPongStop, std::memory_order_release);
    b_.join();
    if (have_saved_ && pinned_a_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  void reset_yields() { a_yields_ = 0; }
  // Valid after finish().
  bool pinned() const { return pinned_a_ && pinned_b_; }
  uint64_t yields() const { return a_yields_ + b_yields_; }

 private:
  Flags flags_;
  cpu_set_t saved_;
  bool have_saved_ = false, pinned_a_ = false, pinned_b_ = false;
  std::atomic<bool> b_ready_{false};
  uint64_t seq_ = 0, a_yields_ = 0, b_yields_ = 0;
  std::thread b_;
};

}  // namespace swlab
