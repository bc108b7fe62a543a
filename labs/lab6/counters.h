// Lab 6 (optional): false sharing and padding (docs/labs/lab6.md).
//
// Two structs whose fields are written by different threads at the same time.
// Nothing is shared logically, but a cache line is: every write by one core takes
// the line away from the other, and both slow down (bench/micro/bm_false_sharing.cpp
// measured 2.5x on the 2-core development machine).
//
// TODO(lab6): lay both out so that data written by different threads never shares a
// cache line: use the project's swlab::kCacheLine (engines/platform/cache_line.h: 128 bytes,
// because the adjacent-line prefetcher moves lines in pairs). Keep the field names
// and types; do not make the structs bigger than they need to be. The autograder
// checks the layout (given/test_lab6.cpp) and labs/grade.sh 6 times it.
#pragma once

#include <atomic>
#include <cstdint>

#include "platform/cache_line.h"

namespace swlab::lab6 {

// A queue's two ends: `sent` is written only by the producer thread, `received`
// only by the consumer thread, both all the time.
struct HotCounters {
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> received{0};
};

// One thread's statistics. The load generator keeps an array of these, one element
// per client thread, and each thread updates only its own element.
struct ThreadStats {
  uint64_t commands = 0;
  uint64_t rejected = 0;
};

}  // namespace swlab::lab6
