// CPU time consumed by one thread, read through its per-thread CPU clock.
#pragma once

#include <pthread.h>
#include <time.h>

namespace swlab {

inline double thread_cpu_seconds(pthread_t thread) {
  clockid_t id;
  timespec ts{};
  if (thread == pthread_t{} || pthread_getcpuclockid(thread, &id) != 0) return 0;
  if (clock_gettime(id, &ts) != 0) return 0;  // the thread has exited
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace swlab
