// Lab 2 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out). It is the project's own reader-writer engine: the LockedEngine template of
// engines/locks/locked_engine.h with queries under a shared lock, the same code the
// built-in `rwlock` engine runs.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include "locks/locked_engine.h"

namespace swlab::lab2 {

template <class SharedMutex>
using RwLockEngine = LockedEngine<SharedMutex, true>;

}  // namespace swlab::lab2
