// lab6_bench's reference layouts (given: frozen): the packed one (what the starter
// has) and the padded one (what the lab asks for). Not in the students' copy
// (labs/make_handout.sh): the padded layout is the lab's answer. Without it
// lab6_bench times the packed layout and yours, and labs/grade.sh leaves the
// performance to the course's grading.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/cache_line.h"

namespace swlab::lab6::reference {

struct PackedHot {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> received{0};
};
struct PaddedHot {
  alignas(kCacheLine) std::atomic<uint64_t> sent{0};
  alignas(kCacheLine) std::atomic<uint64_t> received{0};
};
struct PackedStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
};
struct alignas(kCacheLine) PaddedStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
};

}  // namespace swlab::lab6::reference
