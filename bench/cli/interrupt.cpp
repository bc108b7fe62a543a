#include "cli/interrupt.h"

#include <signal.h>
#include <unistd.h>

namespace swlab::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

void on_signal(int sig) {
  int none = 0;
  if (!g_signal.compare_exchange_strong(none, sig)) _exit(128 + g_signal.load());  // the second signal
  g_stop.store(true);
  // Finish the progress line a bar may have left half-drawn.
  static const char kNewline[] = "\n";
  (void)!write(STDERR_FILENO, kNewline, 1);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

bool interrupted() { return g_stop.load(std::memory_order_relaxed); }

int interrupt_exit_code() {
  const int s = g_signal.load();
  return s == 0 ? 0 : 128 + s;
}

}  // namespace swlab::cli
