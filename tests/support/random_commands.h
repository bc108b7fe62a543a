// A random command mix for concurrency tests (the project's and the labs'): each
// thread funds its own accounts, places orders around a common price so that
// threads trade with each other, cancels and reduces its own recent ids, and queries.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "core/types.h"
#include "engine/engine.h"

namespace swlab::test {

inline Command random_command(std::mt19937_64& rng, int thread, int64_t* next_id, uint32_t markets) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  Command c;
  c.market = static_cast<uint32_t>(pick(0, markets - 1));
  c.account = thread * 4 + pick(0, 3);
  const int64_t r = pick(0, 99);
  if (r < 3) {
    c.type = CommandType::kDeposit;
    c.asset = pick(0, 1) ? Asset::kCash : Asset::kQty;
    c.qty = pick(1, 100000);
  } else if (r < 60) {
    c.type = pick(0, 1) ? CommandType::kBuy : CommandType::kSell;
    c.order_id = (*next_id)++;
    c.qty = pick(1, 20);
    c.price = 500 + pick(-5, 5);
    c.ioc = pick(0, 9) == 0;
  } else if (r < 80) {
    c.type = CommandType::kCancel;
    c.order_id = std::max<int64_t>(0, *next_id - pick(1, 30));
  } else if (r < 85) {
    c.type = CommandType::kReduce;
    c.order_id = std::max<int64_t>(0, *next_id - pick(1, 30));
    c.qty = pick(1, 10);
  } else if (r < 92) {
    c.type = CommandType::kTop;
  } else if (r < 97) {
    c.type = CommandType::kBalance;
  } else {
    c.type = CommandType::kDepth;
    c.qty = 3;
  }
  return c;
}

// `threads` clients at once, each sending up to `per_thread` random commands through
// engine.execute: client t draws them with the seed seed + t, its order ids from
// first_id on. Each command and its reply go to on_reply(t, command, reply, buffers),
// on the client's thread; a client stops early when on_reply returns false. Returns
// when every client has stopped.
template <class OnReply>
void run_random_clients(Engine& engine, int threads, int per_thread, uint64_t seed, int64_t first_id,
                        uint32_t markets, OnReply on_reply) {
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t)
    clients.emplace_back([&, t] {
      std::mt19937_64 rng(seed + t);
      int64_t next_id = first_id;
      ReplyBuffers buffers;
      for (int i = 0; i < per_thread; ++i) {
        buffers.clear();
        const Command c = random_command(rng, t, &next_id, markets);
        if (!on_reply(t, c, engine.execute(c, &buffers), &buffers)) return;
      }
    });
  for (auto& c : clients) c.join();
}

}  // namespace swlab::test
