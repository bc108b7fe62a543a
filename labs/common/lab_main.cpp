// main() of every lab's test binary: GoogleTest, plus a watchdog that turns a hung
// test (a lost wake-up, a reply that is never completed, a shutdown that never
// returns) into a prompt failure that names the test, instead of a ctest timeout
// minutes later, and prints where every thread of the process was waiting (a stack
// per thread, as `binary+offset` frames that labs/grader/diagnose.py turns into
// functions and lines with addr2line). SWLAB_LAB_TEST_TIMEOUT_S overrides the limit
// (default 60 s).
#include <dirent.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include "lab_support.h"

namespace swlab::labs {

ChildMain& child_main_hook() {
  static ChildMain hook = nullptr;
  return hook;
}

namespace {

// ---- the stacks of a hung process ---------------------------------------------------
// The watchdog sends each other thread a signal whose handler records its own stack
// (backtrace() into a slot of its own: no allocation, no lock); the watchdog then
// prints them. A thread asleep in futex_wait runs the handler and goes back to sleep.

constexpr int kStackSignal = SIGUSR2;
constexpr int kMaxFrames = 40;
constexpr int kMaxThreads = 64;

struct StackSlot {
  std::atomic<pid_t> tid{0};
  std::array<void*, kMaxFrames> frames{};
  std::atomic<int> depth{-1};  // -1: not recorded (yet)
};

std::array<StackSlot, kMaxThreads> g_stacks;
std::atomic<int> g_stack_next{0};  // slots claimed
std::atomic<int> g_stack_done{0};  // slots whose stack is recorded: what the watchdog waits for

void record_stack(int) {
  const int i = g_stack_next.fetch_add(1);
  if (i >= kMaxThreads) return;
  StackSlot& s = g_stacks[i];
  s.tid.store(static_cast<pid_t>(syscall(SYS_gettid)), std::memory_order_relaxed);
  s.depth.store(backtrace(s.frames.data(), kMaxFrames), std::memory_order_release);
  g_stack_done.fetch_add(1, std::memory_order_release);
}

// backtrace()'s first call loads libgcc's unwinder (dlopen, which allocates and takes
// the loader's lock): made once at start-up, outside any signal handler, so the
// handler's call only walks the stack.
void load_the_unwinder() {
  std::array<void*, 2> frames{};
  backtrace(frames.data(), static_cast<int>(frames.size()));
}

void print_frames(void* const* frames, int depth) {
  for (int f = 0; f < depth; ++f) {
    Dl_info info{};
    if (dladdr(frames[f], &info) == 0 || info.dli_fname == nullptr) continue;
    const auto offset = reinterpret_cast<uintptr_t>(frames[f]) - reinterpret_cast<uintptr_t>(info.dli_fbase);
    std::fprintf(stderr, "  #%d %s+0x%lx\n", f, info.dli_fname, static_cast<unsigned long>(offset));
  }
}

// Prints every thread's stack but the caller's (the watchdog's own says nothing).
// Not under ThreadSanitizer: backtrace() is not async-signal-safe (its first call loads
// libgcc, which allocates), TSan reports that as an error of its own, and a hang would
// then read as a race; the release build's grading shows the stacks.
void dump_stacks() {
#if defined(__SANITIZE_THREAD__)
  std::fprintf(stderr, "[  STACKS  ] not taken under ThreadSanitizer (the release build's grading shows them)\n");
  return;
#endif
  static char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  struct sigaction sa{};
  sa.sa_handler = record_stack;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(kStackSignal, &sa, nullptr);
  const pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  int sent = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      const pid_t tid = static_cast<pid_t>(std::atol(e->d_name));
      if (tid <= 0 || tid == self || sent >= kMaxThreads) continue;
      if (syscall(SYS_tgkill, getpid(), tid, kStackSignal) == 0) ++sent;
    }
    closedir(d);
  }
  // Waits for the stacks recorded, not the slots claimed: a handler that has claimed its
  // slot may still be walking its stack (slowly, on a loaded machine under ASan), and
  // its slot would read as empty. The grader allows 2 s past the watchdog's limit.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  while (g_stack_done.load(std::memory_order_acquire) < sent && std::chrono::steady_clock::now() < until) {
    std::this_thread::yield();
  }
  std::fprintf(stderr, "[  STACKS  ] %d threads (%s)\n", sent, exe);
  for (int i = 0; i < std::min(g_stack_next.load(), kMaxThreads); ++i) {
    const int depth = g_stacks[i].depth.load(std::memory_order_acquire);
    if (depth < 0) continue;
    const pid_t tid = g_stacks[i].tid.load(std::memory_order_relaxed);
    std::fprintf(stderr, "[  THREAD  ] %d (%s)\n", tid, tid == getpid() ? "the test's main thread" :
                                                        "a thread of the test or the engine");
    print_frames(g_stacks[i].frames.data(), depth);
  }
}

class Watchdog : public ::testing::EmptyTestEventListener {
 public:
  explicit Watchdog(std::chrono::seconds limit) : limit_(limit), thread_([this] { watch(); }) {}
  ~Watchdog() override {
    {
      std::lock_guard guard(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  void OnTestStart(const ::testing::TestInfo& info) override {
    std::lock_guard guard(mutex_);
    name_ = std::string(info.test_suite_name()) + "." + info.name();
    deadline_ = std::chrono::steady_clock::now() + limit_;
    armed_ = true;
  }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::lock_guard guard(mutex_);
    armed_ = false;
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (armed_ && std::chrono::steady_clock::now() > deadline_) {
        std::fprintf(stderr,
                     "\n[  HUNG    ] %s has run for more than %lld s: a request that is never completed, "
                     "a lost wake-up, or a shutdown that does not return?\n"
                     "[  FAILED  ] %s (watchdog)\n",
                     name_.c_str(), static_cast<long long>(limit_.count()), name_.c_str());
        dump_stacks();
        std::fflush(stderr);
        std::fflush(stdout);
        std::_Exit(1);
      }
    }
  }

  const std::chrono::seconds limit_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool armed_ = false;
  std::string name_;
  std::chrono::steady_clock::time_point deadline_{};
  std::thread thread_;
};

}  // namespace
}  // namespace swlab::labs

int main(int argc, char** argv) {
  using namespace swlab::labs;
  if (argc > 1 && std::strcmp(argv[1], "--lab-child") == 0) {
    if (child_main_hook() == nullptr) {
      std::fprintf(stderr, "%s: this lab has no child mode\n", argv[0]);
      return 2;
    }
    return child_main_hook()(argc, argv);
  }
  ::testing::InitGoogleTest(&argc, argv);
  long limit = 60;
  if (const char* s = std::getenv("SWLAB_LAB_TEST_TIMEOUT_S"); s != nullptr && std::atol(s) > 0) limit = std::atol(s);
  load_the_unwinder();
  // Owned by GoogleTest's listener list from here on.
  ::testing::UnitTest::GetInstance()->listeners().Append(new Watchdog(std::chrono::seconds(limit)));
  if (hidden_workloads())
    std::printf("lab tests: hidden workloads (SWLAB_LAB_SEED=%s)\n", std::getenv("SWLAB_LAB_SEED"));
  return RUN_ALL_TESTS();
}
