#include "persistence/memory_budget.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace swlab {

namespace {

uint64_t page_size() {
  const long p = ::sysconf(_SC_PAGESIZE);
  return p > 0 ? static_cast<uint64_t>(p) : 4096;
}

// MemAvailable counts the page cache the kernel can drop, which MemFree does not.
uint64_t machine_available() {
  if (std::FILE* f = std::fopen("/proc/meminfo", "r")) {
    char line[128];
    unsigned long long kb = 0;
    bool found = false;
    while (!found && std::fgets(line, sizeof line, f) != nullptr)
      found = std::sscanf(line, "MemAvailable: %llu kB", &kb) == 1;
    std::fclose(f);
    if (found) return static_cast<uint64_t>(kb) * 1024;
  }
  const long pages = ::sysconf(_SC_AVPHYS_PAGES);
  return pages > 0 ? static_cast<uint64_t>(pages) * page_size() : UINT64_MAX;
}

// What a soft limit leaves above `used` bytes; UINT64_MAX when there is no limit.
uint64_t left_under(int resource, uint64_t used) {
  struct rlimit r;
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  const uint64_t limit = static_cast<uint64_t>(r.rlim_cur);
  return limit > used ? limit - used : 0;
}

}  // namespace

uint64_t available_memory_bytes() {
  // /proc/self/statm: total program size, then ..., the 6th field data + stack, in pages.
  unsigned long long size = 0, resident = 0, shared = 0, text = 0, lib = 0, data = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%llu %llu %llu %llu %llu %llu", &size, &resident, &shared, &text, &lib, &data) != 6)
      size = data = 0;
    std::fclose(f);
  }
  const uint64_t page = page_size();
  return std::min({machine_available(), left_under(RLIMIT_AS, size * page), left_under(RLIMIT_DATA, data * page)});
}

}  // namespace swlab
