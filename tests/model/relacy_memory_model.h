// The model checker's side of the memory model (engines/platform/memory_model.h has
// the machine's): Relacy's atomics and plain variables behind the interface the
// protocols use (std::atomic's member names and memory orders; read()/write() for a
// plain variable), and the futex and the spin hint as Relacy scheduling points.
//
// Relacy (Debian's relacy-dev, header-only) runs the threads of a test as fibers on
// one OS thread and chooses every switch between them, and for every load which store
// it reads among those the C++ memory model allows; a context-bound search explores
// every interleaving with up to N preemptions. It reports a data race on a plain
// variable, a failed assertion, a deadlock (every live thread asleep: a lost wake-up)
// and a livelock (a spin that never ends), with the execution history that led there.
//
// Each access records the caller's function, file and line (std::source_location as
// a defaulted argument), so that history names the student's own code, not this file.
//
// Include this header before any header that uses the macros it removes: Relacy's
// <relacy/relacy.hpp> defines `memory_order_relaxed` (and the other orders), `new`,
// `delete`, `malloc`, `free` and `assert` as macros for code written with its own
// syntax; this interface does not need them and they would rewrite
// `std::memory_order_acquire` in the protocols, so they are undefined here.
// (<relacy/relacy_std.hpp>, which maps std:: onto Relacy, clashes with libstdc++ 12.)
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <source_location>
#include <string>
#include <thread>
#include <type_traits>

// Before Relacy: the engines' headers and the standard library's must not see its macros.
#include "platform/memory_model.h"

#include <relacy/relacy.hpp>

#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst
#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef assert
#undef errno
#define errno (*__errno_location())  // glibc's own definition, which Relacy's replaced

namespace swlab::model {

using Where = std::source_location;

inline rl::debug_info at(const Where& w) { return rl::debug_info(w.function_name(), w.file_name(), w.line()); }

inline rl::memory_order order(std::memory_order o) {
  switch (o) {
    case std::memory_order_relaxed: return rl::mo_relaxed;
    case std::memory_order_consume: return rl::mo_consume;
    case std::memory_order_acquire: return rl::mo_acquire;
    case std::memory_order_release: return rl::mo_release;
    case std::memory_order_acq_rel: return rl::mo_acq_rel;
    case std::memory_order_seq_cst: break;
  }
  return rl::mo_seq_cst;
}

// The failure order a single-order compare-exchange implies (as std::atomic does).
inline std::memory_order failure_order(std::memory_order o) {
  if (o == std::memory_order_acq_rel) return std::memory_order_acquire;
  if (o == std::memory_order_release) return std::memory_order_relaxed;
  return o;
}

// std::atomic<T>'s members that the protocols use, each a recorded Relacy access.
template <class T>
class Atomic {
 public:
  Atomic() : a_(T{}) {}
  Atomic(T v) : a_(v) {}  // NOLINT: as std::atomic, from a value
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) const {
    return a_.load(order(o), at(w));
  }
  void store(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    a_.store(v, order(o), at(w));
  }
  T exchange(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    return a_.rmw(rl::rmw_type_t<rl::rmw_type_swap>(), v, order(o), at(w));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order o = std::memory_order_seq_cst,
                               Where w = Where::current()) {
    return a_.compare_exchange(rl::bool_t<false>(), expected, desired, order(o), order(failure_order(o)), at(w));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success, std::memory_order failure,
                               Where w = Where::current()) {
    return a_.compare_exchange(rl::bool_t<false>(), expected, desired, order(success), order(failure), at(w));
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order o = std::memory_order_seq_cst,
                             Where w = Where::current()) {
    return a_.compare_exchange(rl::bool_t<true>(), expected, desired, order(o), order(failure_order(o)), at(w));
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success, std::memory_order failure,
                             Where w = Where::current()) {
    return a_.compare_exchange(rl::bool_t<true>(), expected, desired, order(success), order(failure), at(w));
  }
  T fetch_add(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current())
    requires std::is_integral_v<T>
  {
    return a_.rmw(rl::rmw_type_t<rl::rmw_type_add>(), v, order(o), at(w));
  }
  T fetch_sub(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current())
    requires std::is_integral_v<T>
  {
    return a_.rmw(rl::rmw_type_t<rl::rmw_type_sub>(), v, order(o), at(w));
  }
  T fetch_or(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current())
    requires std::is_integral_v<T>
  {
    return a_.rmw(rl::rmw_type_t<rl::rmw_type_or>(), v, order(o), at(w));
  }
  T fetch_and(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current())
    requires std::is_integral_v<T>
  {
    return a_.rmw(rl::rmw_type_t<rl::rmw_type_and>(), v, order(o), at(w));
  }

  // For the model's futex (below): Relacy parks a thread on the atomic itself.
  rl::atomic<T>& relacy() { return a_; }

  // For the model's std::atomic wait/notify on a 32-bit word (below): libstdc++'s count
  // of the threads waiting on it (one entry of its table; a word of its own here).
  rl::atomic<int>& waiters()
    requires std::is_same_v<T, uint32_t>
  {
    return waiters_;
  }

 private:
  struct NoWaiters {
    explicit NoWaiters(int) {}
  };
  mutable rl::atomic<T> a_;
  std::conditional_t<std::is_same_v<T, uint32_t>, rl::atomic<int>, NoWaiters> waiters_{0};
};

// A plain variable: every read() and write() is recorded, and two of them from
// different threads that no happens-before edge orders, one a write, are a data race.
template <class T>
class Var {
 public:
  Var() = default;
  explicit Var(T v, Where w = Where::current()) { write(v, w); }
  Var(const Var&) = delete;
  Var& operator=(const Var&) = delete;

  T read(Where w = Where::current()) const { return v_(at(w)).load(); }
  void write(T v, Where w = Where::current()) { v_(at(w)).store(v); }

 private:
  rl::var<T> v_;
};

struct RelacyMemoryModel {
  template <class T>
  using atomic = Atomic<T>;
  template <class T>
  using var = Var<T>;

  // A spin phase of many rounds is one of at most two under the checker: every round
  // is a state to explore, and what matters is what happens when it runs out.
  static constexpr int spins(int rounds) { return rounds < 2 ? rounds : 2; }

  // A spin round is a yield to Relacy: the scheduler then runs another thread rather
  // than count the spin towards a livelock.
  static void pause(Where w = Where::current()) { rl::yield(1, at(w)); }
  static void yield(Where w = Where::current()) { rl::yield(1, at(w)); }

  // The futex, as Relacy models Linux's (its rl_futex, for a 32-bit unsigned word):
  // a scheduling point and a seq_cst fence, then the value check and the park with
  // no preemption between them (the kernel does both under the futex bucket's lock).
  // A parked thread may wake spuriously, as on the machine: a caller that does not
  // re-check its condition is caught.
  static void wait(Atomic<uint32_t>& word, uint32_t expected, Where w = Where::current()) {
    rl::context& c = rl::ctx();
    c.sched();
    c.atomic_thread_fence_seq_cst();
    uint32_t now;
    {
      rl::preemption_disabler no_switch(c);
      now = word.relacy().load(rl::mo_relaxed, at(w));
    }
    if (now != expected) {
      c.exec_log_msg(at(w), "futex_wait: the word changed, no sleep");
      return;
    }
    c.exec_log_msg(at(w), "futex_wait: sleeps");
    word.relacy().wait(c, false, true, at(w));
    c.exec_log_msg(at(w), "futex_wait: woken");
  }

  // A spin phase stated in time (the engine's reply paths): spins(2) polls, a pause
  // between them, then the last poll; the time itself means nothing to the checker.
  template <int64_t Ns, class Done>
  static bool spin_until(Done done, Where w = Where::current()) {
    for (int i = 0; i < spins(2); ++i) {
      if (done()) return true;
      pause(w);
    }
    return done();
  }

  // C++20 std::atomic wait/notify as libstdc++ 12 does it for a 32-bit word
  // (bits/atomic_wait.h): the waiter counts itself in a table entry (a seq_cst
  // fetch_add) and then sleeps on the futex; notify_one reads that count (a seq_cst
  // load) and makes the wake-up call only if it is not zero. A notifier whose store to
  // the word is only a release could read the count before its store is visible, while
  // the waiter counts itself and finds the word unchanged: a lost wake-up. So
  // notify_one begins with a seq_cst fence, as StdMemoryModel's does
  // (platform/memory_model.h), and the protocols' stores stay what their own ordering
  // needs. (Relacy did not produce the lost wake-up without the fence and with a release
  // store, at context bound 3 or 6 nor in 200,000 random executions, though C++ allows
  // it: no harness guards the fence; its comment gives the argument.) A wait that
  // returns while the word still holds `old` is a spurious wake-up the caller's loop
  // must survive.
  static void atomic_wait(Atomic<uint32_t>& word, uint32_t old, std::memory_order, Where w = Where::current()) {
    word.waiters().fetch_add(1, rl::mo_seq_cst, at(w));
    wait(word, old, w);
    word.waiters().fetch_sub(1, rl::mo_seq_cst, at(w));
  }
  static void notify_one(Atomic<uint32_t>& word, Where w = Where::current()) {
    rl::atomic_thread_fence(rl::mo_seq_cst, at(w));
    if (word.waiters().load(rl::mo_seq_cst, at(w)) == 0) {
      rl::ctx().exec_log_msg(at(w), "notify_one: no waiter counted, no wake-up call");
      return;
    }
    wake(word, 1, w);
  }

  static void wake_all(Atomic<uint32_t>& word, Where w = Where::current()) { wake(word, 1u << 16, w); }

  static void wake(Atomic<uint32_t>& word, unsigned count, Where w) {
    rl::context& c = rl::ctx();
    c.sched();
    c.atomic_thread_fence_seq_cst();
    const auto woken = word.relacy().wake(c, count, at(w));
    c.exec_log_msg(at(w), woken ? "futex_wake: wakes a sleeper" : "futex_wake: nobody asleep");
  }
};

static_assert(MemoryModel<RelacyMemoryModel>);

}  // namespace swlab::model
