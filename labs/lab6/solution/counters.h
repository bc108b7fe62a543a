// Lab 6 reference solution (instructors only: labs/make_handout.sh leaves solution/
// out). Each thread's data on its own kCacheLine, in the style of the project's
// EngineSignals (engines/single_writer/single_writer_engine.h): alignas on the members, so each
// starts a line, and the struct's size rounds up to whole lines, so that nothing
// after it (the next array element, the next member) shares its last line.
#pragma once

#include <lab_reference_guard.h>  // the reference: a student build stops here (labs/common/rules/)
#include <atomic>
#include <cstdint>

#include "platform/cache_line.h"

namespace swlab::lab6 {

struct HotCounters {
  alignas(kCacheLine) std::atomic<uint64_t> sent{0};
  alignas(kCacheLine) std::atomic<uint64_t> received{0};
};

struct alignas(kCacheLine) ThreadStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
};

}  // namespace swlab::lab6
