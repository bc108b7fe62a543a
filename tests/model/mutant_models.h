// Mutants of the model checker's memory model (relacy_memory_model.h), for the
// engine's harnesses (tests/model/model_*.cpp): each proves that its harness can fail.
// A mutant changes what the protocol's atomics or waits do, never the protocol's
// source: the engine's headers are compiled as they are, against a model in which
// one kind of step is wrong, the way a mistaken edit would make it.
//
//   RelaxedPublishModel  every release loses its release half (a store or a
//                        read-modify-write written with release, acq_rel or seq_cst
//                        becomes relaxed, or acquire): "a relaxed publish". A reader's
//                        acquire then synchronises with nothing, and the checker
//                        reports the race on the plain variable handed over.
//   RelaxedAcquireModel  every acquire is dropped (a load written with acquire or
//                        seq_cst becomes relaxed; a read-modify-write loses its
//                        acquire half): "a missing acquire". The writer's release then
//                        synchronises with nothing, and the checker reports the race.
//   NoRecheckWaitModel   a sleep that does not re-check the word atomically with the
//                        sleep (the futex without its value check): "a missing re-check
//                        before sleeping". A wake that falls between the waiter's last
//                        load and its sleep is lost, and the checker reports the
//                        deadlock.
//
// A harness picks its model with model::HarnessModel: the correct one, or the mutant
// its mutant build names (-DSWLAB_MODEL_MUTANT=RelaxedPublishModel; ModelCheck.cmake's
// swlab_add_engine_model_harness builds and registers both).
#pragma once

#include "model/relacy_memory_model.h"

namespace swlab::model {

inline std::memory_order without_release(std::memory_order o) {
  switch (o) {
    case std::memory_order_release: return std::memory_order_relaxed;
    case std::memory_order_acq_rel: return std::memory_order_acquire;
    case std::memory_order_seq_cst: return std::memory_order_acquire;
    default: return o;
  }
}

template <class T>
class RelaxedPublishAtomic : public Atomic<T> {
  using Base = Atomic<T>;

 public:
  using Base::Base;
  using Base::load;

  void store(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    Base::store(v, o == std::memory_order_seq_cst ? std::memory_order_relaxed : without_release(o), w);
  }
  T exchange(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    return Base::exchange(v, without_release(o), w);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order o = std::memory_order_seq_cst,
                               Where w = Where::current()) {
    return Base::compare_exchange_strong(expected, desired, without_release(o), failure_order(without_release(o)), w);
  }
  T fetch_add(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    return Base::fetch_add(v, without_release(o), w);
  }
};

inline std::memory_order without_acquire(std::memory_order o) {
  switch (o) {
    case std::memory_order_acquire:
    case std::memory_order_consume: return std::memory_order_relaxed;
    case std::memory_order_acq_rel: return std::memory_order_release;
    case std::memory_order_seq_cst: return std::memory_order_release;
    default: return o;
  }
}

template <class T>
class RelaxedAcquireAtomic : public Atomic<T> {
  using Base = Atomic<T>;

 public:
  using Base::Base;
  using Base::store;

  T load(std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) const {
    return Base::load(std::memory_order_relaxed, w);
  }
  T exchange(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    return Base::exchange(v, without_acquire(o), w);
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order o = std::memory_order_seq_cst,
                               Where w = Where::current()) {
    return Base::compare_exchange_strong(expected, desired, without_acquire(o), std::memory_order_relaxed, w);
  }
  T fetch_add(T v, std::memory_order o = std::memory_order_seq_cst, Where w = Where::current()) {
    return Base::fetch_add(v, without_acquire(o), w);
  }
};

struct RelaxedAcquireModel : RelacyMemoryModel {
  template <class T>
  using atomic = RelaxedAcquireAtomic<T>;
};

struct RelaxedPublishModel : RelacyMemoryModel {
  template <class T>
  using atomic = RelaxedPublishAtomic<T>;
};

struct NoRecheckWaitModel : RelacyMemoryModel {
  // Parks without comparing the word with `expected`: a wake before the park is lost.
  static void wait(Atomic<uint32_t>& word, uint32_t, Where w = Where::current()) {
    rl::context& c = rl::ctx();
    c.sched();
    c.exec_log_msg(at(w), "futex_wait (mutant): sleeps without re-checking the word");
    word.relacy().wait(c, false, true, at(w));
    c.exec_log_msg(at(w), "futex_wait: woken");
  }
  static void atomic_wait(Atomic<uint32_t>& word, uint32_t old, std::memory_order, Where w = Where::current()) {
    wait(word, old, w);
  }
};

#ifdef SWLAB_MODEL_MUTANT
using HarnessModel = SWLAB_MODEL_MUTANT;
inline constexpr bool kMutant = true;
#else
using HarnessModel = RelacyMemoryModel;
inline constexpr bool kMutant = false;
#endif

}  // namespace swlab::model
