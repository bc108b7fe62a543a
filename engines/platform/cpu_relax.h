// The CPU's spin-wait hint, for every loop that polls a line another core writes.
#pragma once

namespace swlab {

// The CPU's spin-wait hint: on x86 PAUSE stops the pipeline from speculating down
// the spin loop (saving the memory-order machine clear when the line changes) and
// gives the sibling hyper-thread the core's resources.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace swlab
