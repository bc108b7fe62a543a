// A test binary that misbehaves on request, for the grader's own reliability tests
// (test_reliability.py): the lab test main (labs/common/lab_main.cpp: the watchdog and
// its stack dump) with tests that pass, fail, hang, or exit early, and, chosen by
// SWLAB_PROBE before main() runs, what a hostile submission's static initializer can
// do: fork a child that leaves the process group and outlives the test (`detach`), or
// print GoogleTest's success lines and exit 0 before any test runs (`fake_ok`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

const char* mode() {
  const char* m = std::getenv("SWLAB_PROBE");
  return m ? m : "";
}

// Runs before main(), as a submission's static initializer would.
const bool hostile = [] {
  if (std::strcmp(mode(), "detach") == 0 && fork() == 0) {
    setsid();  // out of the grader's process group: a group kill misses it
    sleep(40);  // holding the test's stdout and stderr
    _exit(0);
  }
  if (std::strcmp(mode(), "fake_ok") == 0) {
    std::printf("[==========] Running 1 test from 1 test suite.\n[ RUN      ] Probe.Passes\n"
                "[       OK ] Probe.Passes (0 ms)\n[  PASSED  ] 1 test.\n");
    std::fflush(stdout);
    _exit(0);
  }
  return true;
}();

TEST(Probe, Passes) { EXPECT_TRUE(hostile); }

TEST(Probe, Fails) { EXPECT_EQ(1 + 1, 3) << "the probe's failure message"; }

TEST(Probe, ExitsEarly) {
  std::printf("[       OK ] Probe.ExitsEarly (0 ms)\n");
  std::fflush(stdout);
  _exit(0);
}

// Waits on a flag nobody sets, in a thread of its own and in the test's thread: the
// watchdog must name both places.
void wait_forever(std::atomic<bool>& flag) {
  while (!flag.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TEST(Probe, Hangs) {
  std::atomic<bool> never{false};
  std::thread helper([&] { wait_forever(never); });
  wait_forever(never);
  helper.join();
}

}  // namespace
