// The thread-safety check's own canary (cmake/SwlabThreadSafety.cmake): a member
// GUARDED_BY an AnnotatedLock, written once with the lock held and once without. The
// `thread-safety` preset compiles it both ways when it configures: with the lock it
// must compile, without it -Wthread-safety -Werror must refuse it; otherwise the
// preset stops, since a check that cannot fail checks nothing.
#include <mutex>

#include "locks/annotated_lock.h"
#include "platform/thread_annotations.h"

namespace swlab {

class GuardedCounter {
 public:
  void add(long v) {
#if SWLAB_TAKE_THE_LOCK
    ExclusiveLock guard(lock_);
#endif
    total_ += v;
  }

 private:
  AnnotatedLock<std::mutex> lock_;
  long total_ GUARDED_BY(lock_) = 0;
};

void use(GuardedCounter& c) { c.add(1); }

}  // namespace swlab
