// The project's one cache-line constant. Every alignas() that exists to keep two
// pieces of data from sharing a line uses it, and is checked with a static_assert.
#pragma once

#include <cstddef>

namespace swlab {

// 128, not 64: on x86 the L2 "adjacent line" prefetcher fetches lines in 128-byte
// pairs, so two hot variables 64 bytes apart still ping-pong between cores (folly
// makes the same choice). GCC 12 warns when std::hardware_destructive_interference_size
// is used in a header because its value may change between compiler versions, which
// would silently change struct layouts across translation units; a constant of our
// own cannot.
inline constexpr std::size_t kCacheLine = 128;

}  // namespace swlab
