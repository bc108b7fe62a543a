// The workload model: what N clients send. Each client owns a deterministic
// command stream generated from (seed, client id): the stream does not depend on
// the replies, so a run is reproducible up to scheduling, and two engines given
// the same seed receive exactly the same commands.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "load/rng.h"
#include "core/types.h"

namespace swlab {

// The command mix, in percent of commands (must add up to 100).
struct CommandMix {
  int place = 48;   // limit orders; `cross_pct` of them marketable
  int ioc = 5;
  int cancel = 33;  // of the client's own earlier limit orders
  int reduce = 4;
  int query = 10;   // split evenly between top, depth (5 levels) and balance
};

struct WorkloadSpec {
  std::string preset = "balanced";
  uint32_t markets = 8;
  double zipf = 0.0;          // market popularity: 0 = uniform, s > 0 = Zipf(s)
  bool single_market = false;  // everything on market 0 (the hot-market case)
  uint32_t accounts = 1000;   // per market
  int64_t deposit_cash = 1'000'000'000'000;  // per account and market, at set-up
  int64_t deposit_qty = 100'000'000;
  int64_t mid = 10'000;       // starting mid price, ticks
  int64_t drift = 100;        // the mid wanders +- this many ticks over a period
  int64_t drift_period = 100'000;  // commands per client per drift cycle
  int64_t spread = 20;        // passive orders rest up to this many ticks from the mid
  int cross_pct = 20;         // share of limit and IOC orders priced to cross the mid
  int64_t max_qty = 100;      // order sizes are uniform in 1..max_qty
  CommandMix mix;
};

// Named presets: balanced (default), read-heavy, write-heavy, hot-market,
// cancel-heavy. Returns false for an unknown name.
bool workload_preset(const std::string& name, WorkloadSpec* spec);
std::vector<std::string> workload_preset_names();
// Checks a spec; returns an empty string when it is usable, else what is wrong.
std::string validate(const WorkloadSpec& spec);

// What a run of this workload holds in memory at its peak, about: every market's
// ledger and book and the set-up deposits. Measured with swlab run's peak RSS on the
// 2-vCPU machine: 165 MB for 1 market of 1,000,000 accounts, 633 MB for 4 such markets
// (about 155 B per account and market), rounded up to 160 B.
inline constexpr uint64_t kStateBytesPerAccount = 160;
inline uint64_t state_bytes(const WorkloadSpec& spec) {
  return uint64_t{spec.markets} * spec.accounts * kStateBytesPerAccount;
}

// The set-up commands (deposits for every account in every market), sent once
// before the clients start and outside any measurement.
std::vector<Command> setup_commands(const WorkloadSpec& spec);

class CommandStream {
 public:
  CommandStream(const WorkloadSpec& spec, uint64_t seed, uint32_t client);

  Command next();

 private:
  struct Live {
    uint32_t market;
    int64_t account;
    int64_t id;
  };
  uint32_t pick_market();
  int64_t price_for(bool buy, uint32_t market);
  void update_mids();
  Command place(bool ioc);

  const WorkloadSpec& spec_;
  Rng rng_;
  int64_t next_id_;
  int64_t step_ = 0;
  std::array<int, 5> cumulative_{};  // mix thresholds out of 100
  std::vector<double> market_cdf_;   // Zipf popularity
  static constexpr int64_t kMidRefresh = 64;  // a power of two
  std::vector<int64_t> mids_;        // current mid of each market
  // The client's earlier limit orders in a ring, oldest at live_head_; cancels and
  // reduces pick among the kRecent newest. Bounded: past kLiveCap the oldest is
  // forgotten (left resting, as real clients leave orders behind).
  static constexpr std::size_t kLiveCap = 4096;
  static constexpr std::size_t kRecent = 64;
  std::vector<Live> live_;
  std::size_t live_head_ = 0;
  std::size_t live_count_ = 0;
};

}  // namespace swlab
