// The two glibc functions newer than 2.34 that a statically linked C++ runtime asks for,
// defined here for the portable bundle (SWLAB_STATIC_RUNTIME; cmake/SwlabDependencies.cmake)
// so that it runs on glibc 2.34 (RHEL 9, Ubuntu 22.04) and not only on the 2.36 it was
// built against. Both are resolved inside the executable at link time; libc's own (where
// the machine has them) are untouched.
//   arc4random (2.36)       libstdc++'s std::random_device, which swlab does not use but
//                           whose object file the static archive brings in
//   _dl_find_object (2.35)  libgcc's unwinder, to find the unwind tables of the object a
//                           throwing frame is in: every exception goes through it
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

extern "C" {

uint32_t arc4random(void) {
  uint32_t v = 0;
  ssize_t got;
  do {
    got = getrandom(&v, sizeof v, 0);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof v)) return v;
  // A kernel before getrandom(2) (3.17): the device the call replaced.
  if (const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC); fd >= 0) {
    got = read(fd, &v, sizeof v);
    close(fd);
  }
  return v;
}

// glibc's contract: 0 and *result filled when pc lies in a loaded object, -1 otherwise.
// dl_iterate_phdr (glibc 2.2.4) walks the same list of objects, under the loader's lock.
int _dl_find_object(void* pc, struct dl_find_object* result) {
  struct Search {
    uintptr_t pc;
    struct dl_find_object* out;
    bool found;
  } search{reinterpret_cast<uintptr_t>(pc), result, false};
  dl_iterate_phdr(
      [](struct dl_phdr_info* info, size_t, void* data) -> int {
        auto* s = static_cast<Search*>(data);
        uintptr_t lo = UINTPTR_MAX, hi = 0;
        void* eh_frame = nullptr;
        bool inside = false;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          if (ph.p_type == PT_LOAD) {
            lo = std::min(lo, start);
            hi = std::max<uintptr_t>(hi, start + ph.p_memsz);
            inside |= s->pc >= start && s->pc < start + ph.p_memsz;
          } else if (ph.p_type == PT_GNU_EH_FRAME) {
            eh_frame = reinterpret_cast<void*>(start);
          }
        }
        if (!inside) return 0;
        std::memset(s->out, 0, sizeof *s->out);
        s->out->dlfo_map_start = reinterpret_cast<void*>(lo);
        s->out->dlfo_map_end = reinterpret_cast<void*>(hi);
        s->out->dlfo_eh_frame = eh_frame;  // what the unwinder reads; it never reads the link map
        s->found = true;
        return 1;
      },
      &search);
  return search.found ? 0 : -1;
}
}
