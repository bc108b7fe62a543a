#include "pipelined_window.h"

#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "random_commands.h"

namespace swlab::test {

namespace {

struct Client {
  int64_t submitted = 0;
  int64_t completed = 0;
  int64_t pending_after_submit = 0;
  ReplyTally replies;
};

void client(Engine& engine, const PipelineConfig& config, int t, Client* out) {
  std::mt19937_64 rng(config.seed(t));
  int64_t next_id = 0;
  const auto window = static_cast<std::size_t>(config.window);
  std::vector<Request> slots(window);
  std::vector<ReplyBuffers> buffers(window);
  std::vector<bool> busy(window, false);
  auto collect = [&](std::size_t w) {
    busy[w] = false;
    ++out->completed;
    out->replies.add(slots[w].cmd, slots[w].reply, &buffers[w]);
  };
  while (out->completed < config.commands_per_thread) {
    bool collected = false;
    for (std::size_t w = 0; w < window; ++w) {
      if (busy[w] && slots[w].done.ready()) {
        collect(w);
        collected = true;
      }
      if (!busy[w] && out->submitted < config.commands_per_thread) {
        buffers[w].clear();
        slots[w].cmd = random_command(rng, t, &next_id, config.markets);
        slots[w].out = &buffers[w];
        busy[w] = true;
        ++out->submitted;
        engine.submit(slots[w]);
        if (!slots[w].done.ready()) ++out->pending_after_submit;
      }
    }
    if (!collected) {
      // Nothing was ready: sleep on the oldest busy slot rather than spin (keeps a
      // 2-core CI machine moving), with the waiting side of the engine's reply path.
      for (std::size_t w = 0; w < window; ++w)
        if (busy[w]) {
          engine.wait(slots[w]);
          collect(w);
          break;
        }
    }
  }
}

}  // namespace

PipelineRun run_pipelined(Engine& engine, const PipelineConfig& config) {
  std::vector<Client> clients(static_cast<std::size_t>(config.threads));
  std::vector<std::thread> threads;
  for (int t = 0; t < config.threads; ++t)
    threads.emplace_back(client, std::ref(engine), std::cref(config), t, &clients[static_cast<std::size_t>(t)]);
  for (auto& th : threads) th.join();
  PipelineRun run;
  for (const Client& c : clients) {
    run.submitted += c.submitted;
    run.completed += c.completed;
    run.pending_after_submit += c.pending_after_submit;
    run.replies.merge(c.replies);
  }
  return run;
}

}  // namespace swlab::test
