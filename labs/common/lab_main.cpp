// main() of every lab's test binary: GoogleTest, plus a watchdog that turns a hung
// test (a lost wake-up, a reply that is never completed, a shutdown that never
// returns) into a prompt failure that names the test, instead of a ctest timeout
// minutes later. SWLAB_LAB_TEST_TIMEOUT_S overrides the limit (default 60 s).
#include <gtest/gtest.h>

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
  // Owned by GoogleTest's listener list from here on.
  ::testing::UnitTest::GetInstance()->listeners().Append(new Watchdog(std::chrono::seconds(limit)));
  if (hidden_workloads())
    std::printf("lab tests: hidden workloads (SWLAB_LAB_SEED=%s)\n", std::getenv("SWLAB_LAB_SEED"));
  return RUN_ALL_TESTS();
}
