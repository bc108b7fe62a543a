// How much more memory this process can take, for the readers that size an
// allocation from a file: a snapshot declares how large its state is, and a reader
// that believes it without asking the machine aborts with std::bad_alloc (or is
// killed) instead of refusing the file by name.
#pragma once

#include <cstdint>

namespace swlab {

// The least of: what the machine has available (MemAvailable in /proc/meminfo, or
// the free pages where that cannot be read), and what the process's soft limits
// (RLIMIT_AS, RLIMIT_DATA) leave above what it uses now. A budget, not a promise:
// other processes allocate too, so a caller still catches std::bad_alloc.
uint64_t available_memory_bytes();

}  // namespace swlab
