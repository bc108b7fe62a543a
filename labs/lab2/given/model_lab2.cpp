// Lab 2's model checker (frozen): your writer-preferring lock, compiled against
// Relacy's memory model (tests/model/relacy_memory_model.h) and run by two or three
// threads: over every interleaving with up to 2 preemptions (and every store each load
// may read), or, for the three-thread checks, 20000 seeded random executions. labs/grade.sh runs it first; a failure prints the interleaving that broke
// it, in your lines. Run it yourself:
//   build/release/labs/lab2_model_starter [--check 'lab2.preference']
#include "model/model_check.h"

#include "writer_preferring_lock.h"

namespace swlab::lab2 {
namespace {

using MM = model::RelacyMemoryModel;
using Lock = WriterPreferringLock<MM>;

// Two writers and a reader: each writer increments a plain variable under the lock,
// the reader reads it under the shared lock. A writer's write that is not ordered
// before the next holder's access is a data race; a lost increment, a broken
// exclusion; a holder never woken, a deadlock.
struct ExclusionCheck : rl::test_suite<ExclusionCheck, 3> {
  Lock lock;
  model::Var<int> value{0};

  void thread(unsigned index) {
    if (index < 2) {
      lock.lock();
      value.write(value.read() + 1);
      lock.unlock();
    } else {
      lock.lock_shared();
      const int seen = value.read();
      MODEL_ASSERT(seen >= 0 && seen <= 2, "the reader saw a value no writer wrote");
      lock.unlock_shared();
    }
  }
  void after() { MODEL_ASSERT(value.read() == 2, "an increment made under the lock was lost: two writers held it"); }
};

const model::Registrar exclusion{{"lab2.exclusion",
                                  "writers exclude everyone, a reader sees what the last writer wrote, "
                                  "and every holder is woken",
                                  {"writer-1", "writer-2", "reader"}, model::run<ExclusionCheck>, 0, 20000}};

// Two readers hold the lock at once: each waits, holding it, until the other holds it
// too. A lock that makes readers exclude each other never gets there (a livelock).
struct SharingCheck : rl::test_suite<SharingCheck, 2> {
  Lock lock;
  model::Atomic<int> inside{0};

  void thread(unsigned) {
    lock.lock_shared();
    inside.fetch_add(1);
    while (inside.load() < 2) MM::yield();
    lock.unlock_shared();
  }
};

const model::Registrar sharing{{"lab2.sharing", "two readers hold the lock at the same time",
                                {"reader-1", "reader-2"}, model::run<SharingCheck>, 2}};

// Writer preference: a reader holds the lock, a writer comes and waits; a second
// reader that arrives once the writer waits (waiting_writers() > 0) must queue behind
// it, not join the first reader. The first reader leaves once the writer waits.
struct PreferenceCheck : rl::test_suite<PreferenceCheck, 3> {
  Lock lock;
  model::Atomic<int> first_in{0};
  model::Atomic<int> writer_done{0};  // the harness's: the writer has been in and out
  model::Var<int> written{0};

  void thread(unsigned index) {
    if (index == 0) {  // the first reader
      lock.lock_shared();
      first_in.store(1);
      while (lock.waiting_writers() == 0) MM::yield();
      lock.unlock_shared();
    } else if (index == 1) {  // the writer, once the first reader is in
      while (first_in.load() == 0) MM::yield();
      lock.lock();
      written.write(1);
      lock.unlock();
      writer_done.store(1);
    } else {  // the second reader, once the writer waits (or has been and gone)
      while (first_in.load() == 0) MM::yield();
      while (lock.waiting_writers() == 0 && writer_done.load() == 0) MM::yield();
      lock.lock_shared();
      MODEL_ASSERT(written.read() == 1, "a reader got in ahead of a waiting writer: the lock prefers readers");
      lock.unlock_shared();
    }
  }
};

const model::Registrar preference{{"lab2.preference",
                                   "a reader that arrives while a writer waits queues behind the writer",
                                   {"reader-1", "writer", "reader-2"}, model::run<PreferenceCheck>, 0, 20000}};

}  // namespace
}  // namespace swlab::lab2
