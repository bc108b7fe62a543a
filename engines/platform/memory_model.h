// The memory model a concurrency protocol is written against: its atomic type, its
// plain-variable type, and the few ways a protocol waits (a spin hint, a futex sleep
// and wake, a yield). A protocol that takes the model as a template parameter runs
// on the real machine with StdMemoryModel (std::atomic, the futex, PAUSE), and under
// a model checker with types that record every access and let the checker choose the
// thread interleaving and which store each load sees (the labs' harnesses:
// tests/model/relacy_memory_model.h, over Relacy). folly injects its atomics the same
// way (`template <typename> class Atom = std::atomic`, run under its
// DeterministicSchedule); one policy carries every type here, so a protocol names one
// parameter, and the plain variables it hands over are checked too.
//
// This header is the std side only: nothing in the engines includes a checker.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <thread>

#include "platform/cpu_relax.h"
#include "platform/futex.h"
#include "platform/spin_budget.h"

namespace swlab {

// A plain variable that one thread writes and another reads after an atomic hand-off
// (a reply, a ring slot). It is the value itself on the machine; the model checker's
// var records each read() and write() and reports one that no happens-before edge
// orders against the other thread's as a data race. So the hand-off's memory orders
// are checked, not assumed: that is the point of writing these through the model.
template <class T>
class PlainVar {
 public:
  PlainVar() = default;
  explicit PlainVar(T v) : v_(v) {}

  T read() const { return v_; }
  void write(T v) { v_ = v; }

 private:
  T v_{};
};

// The machine: the engines' own types and waits.
struct StdMemoryModel {
  template <class T>
  using atomic = std::atomic<T>;
  template <class T>
  using var = PlainVar<T>;

  // The rounds of a spin phase: as written on the machine. A model checker explores
  // every round as a separate state, so its model cuts a spin phase to a couple of
  // rounds (the bug a spin phase hides is what happens after it).
  static constexpr int spins(int rounds) { return rounds; }

  // One round of a spin loop (PAUSE: platform/cpu_relax.h).
  static void pause() { cpu_relax(); }

  // Sleeps while `word` holds `expected` (checked atomically with the sleep, as the
  // kernel does); may return spuriously, so callers re-check in a loop.
  static void wait(std::atomic<uint32_t>& word, uint32_t expected) { futex_wait(word, expected); }

  // Wakes every thread asleep on `word`.
  static void wake_all(std::atomic<uint32_t>& word) { futex_wake_all(word); }

  // Gives the CPU away (a waiter that must not hold one: `block` admission).
  static void yield() { std::this_thread::yield(); }

  // A spin phase stated in time (platform/spin_budget.h): polls `done` with a pause
  // between polls for about Ns nanoseconds; true when it held. The engine's reply
  // paths spin this way before they sleep.
  template <int64_t Ns, class Done>
  static bool spin_until(Done done) {
    return swlab::spin_until<Ns>(done);
  }

  // C++20 std::atomic wait/notify (the `atomic-wait` reply path): sleeps while `word`
  // holds `old`, returns once it may not (callers re-check in a loop); wakes one.
  static void atomic_wait(std::atomic<uint32_t>& word, uint32_t old, std::memory_order o) { word.wait(old, o); }
  // The fence first: libstdc++ 12's notify_one makes the wake-up call only if its table
  // counts a waiter, and reads that count with a load that the caller's store to `word`
  // (a release, say) does not order: on x86 the store can still sit in the store buffer
  // while a waiter counts itself, finds the word unchanged and sleeps, and nobody wakes
  // it. The seq_cst fence (MFENCE) makes the store and the waiter's seq_cst count a Dekker
  // pair. Seen as a hang of bm_request_reply under scripts/hot_path.sh, with the word
  // already written when a debugger interrupted the caller's futex wait.
  static void notify_one(std::atomic<uint32_t>& word) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    word.notify_one();
  }
};

// What a protocol may ask of its model. The model checker's model satisfies it too
// (tests/model/relacy_memory_model.h asserts so), so a protocol that compiles against
// one compiles against the other.
template <class M>
concept MemoryModel = requires(typename M::template atomic<uint32_t>& word, typename M::template var<int>& v) {
  { word.load(std::memory_order_acquire) } -> std::convertible_to<uint32_t>;
  word.store(uint32_t{0}, std::memory_order_release);
  { v.read() } -> std::convertible_to<int>;
  v.write(0);
  { M::spins(1) } -> std::convertible_to<int>;
  M::pause();
  M::wait(word, uint32_t{0});
  M::wake_all(word);
  M::yield();
};

static_assert(MemoryModel<StdMemoryModel>);

}  // namespace swlab
