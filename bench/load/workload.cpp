#include "load/workload.h"

#include <algorithm>
#include <cmath>

namespace swlab {

bool workload_preset(const std::string& name, WorkloadSpec* spec) {
  WorkloadSpec s;
  s.preset = name;
  if (name == "balanced") {
    // exchange-core's published mix, roughly: half places (some crossing), a third
    // cancels, a few IOC, and a tenth queries.
  } else if (name == "read-heavy") {
    s.mix = {.place = 5, .ioc = 1, .cancel = 4, .reduce = 0, .query = 90};
  } else if (name == "write-heavy") {
    s.mix = {.place = 58, .ioc = 10, .cancel = 28, .reduce = 4, .query = 0};
  } else if (name == "hot-market") {
    s.single_market = true;
  } else if (name == "cancel-heavy") {
    s.mix = {.place = 38, .ioc = 2, .cancel = 55, .reduce = 0, .query = 5};
  } else {
    return false;
  }
  *spec = s;
  return true;
}

std::vector<std::string> workload_preset_names() {
  return {"balanced", "read-heavy", "write-heavy", "hot-market", "cancel-heavy"};
}

std::string validate(const WorkloadSpec& s) {
  const CommandMix& m = s.mix;
  if (m.place < 0 || m.ioc < 0 || m.cancel < 0 || m.reduce < 0 || m.query < 0 ||
      m.place + m.ioc + m.cancel + m.reduce + m.query != 100)
    return "the command mix must be non-negative percentages adding up to 100";
  if (s.markets == 0) return "markets must be at least 1";
  if (s.accounts == 0) return "accounts must be at least 1";
  if (s.zipf < 0 || !std::isfinite(s.zipf)) return "zipf skew must be >= 0";
  if (s.spread < 0 || s.drift < 0 || s.drift_period <= 0) return "spread and drift must be >= 0";
  if (s.mid - s.drift - s.spread < kMinPrice || s.mid + s.drift + s.spread > kMaxPrice)
    return "mid +- drift +- spread must stay within the price range 1..1000000";
  if (s.max_qty < 1 || s.max_qty > kMaxQty) return "max qty must be within 1..1000000000";
  if (s.cross_pct < 0 || s.cross_pct > 100) return "cross must be a percentage";
  if (s.deposit_cash < 1 || s.deposit_cash > kMaxDeposit || s.deposit_qty < 1 ||
      s.deposit_qty > kMaxDeposit)
    return "deposits must be within 1..10^15";
  return {};
}

std::vector<Command> setup_commands(const WorkloadSpec& spec) {
  std::vector<Command> v;
  v.reserve(std::size_t{spec.markets} * spec.accounts * 2);
  for (uint32_t m = 0; m < spec.markets; ++m) {
    for (uint32_t a = 0; a < spec.accounts; ++a) {
      Command c;
      c.type = CommandType::kDeposit;
      c.market = m;
      c.account = a;
      c.asset = Asset::kCash;
      c.qty = spec.deposit_cash;
      v.push_back(c);
      c.asset = Asset::kQty;
      c.qty = spec.deposit_qty;
      v.push_back(c);
    }
  }
  return v;
}

CommandStream::CommandStream(const WorkloadSpec& spec, uint64_t seed, uint32_t client)
    : spec_(spec),
      rng_(seed ^ (0x51ed27e5c0ffee00ULL + client * 0x9e3779b97f4a7c15ULL)),
      // Ids are unique per client (high bits), so two clients sharing an account
      // never collide with duplicate_order_id; the rejections a run sees are real.
      next_id_(static_cast<int64_t>(client) << 40) {
  const CommandMix& m = spec.mix;
  cumulative_ = {m.place, m.place + m.ioc, m.place + m.ioc + m.cancel,
                 m.place + m.ioc + m.cancel + m.reduce, 100};
  if (spec.zipf > 0 && !spec.single_market) {
    double sum = 0;
    for (uint32_t i = 0; i < spec.markets; ++i) sum += 1.0 / std::pow(i + 1.0, spec.zipf);
    double acc = 0;
    for (uint32_t i = 0; i < spec.markets; ++i) {
      acc += 1.0 / std::pow(i + 1.0, spec.zipf) / sum;
      market_cdf_.push_back(acc);
    }
    market_cdf_.back() = 1.0;
  }
  live_.resize(kLiveCap);
  mids_.resize(spec.markets);
  update_mids();
}

uint32_t CommandStream::pick_market() {
  if (spec_.single_market) return 0;
  if (market_cdf_.empty()) return static_cast<uint32_t>(rng_.below(spec_.markets));
  double u = rng_.unit();
  return static_cast<uint32_t>(std::upper_bound(market_cdf_.begin(), market_cdf_.end(), u) -
                               market_cdf_.begin());
}

void CommandStream::update_mids() {
  // The mid follows a triangle wave, phase-shifted per market. Recomputed every
  // kMidRefresh commands: the divisions it takes would otherwise be the most
  // expensive part of generating a command, and the mid moves by less than a tick
  // in that time anyway.
  const int64_t period = spec_.drift_period;
  for (uint32_t m = 0; m < mids_.size(); ++m) {
    int64_t mid = spec_.mid;
    if (spec_.drift > 0) {
      int64_t phase = (step_ + static_cast<int64_t>(m) * (period / 7 + 1)) % period;
      int64_t tri = phase < period / 2 ? phase : period - phase;  // 0 .. period/2
      mid += (4 * spec_.drift * tri) / std::max<int64_t>(1, period) - spec_.drift;
    }
    mids_[m] = mid;
  }
}

int64_t CommandStream::price_for(bool buy, uint32_t market) {
  const int64_t mid = mids_[market];
  int64_t offset = rng_.between(0, spec_.spread);
  bool cross = static_cast<int>(rng_.below(100)) < spec_.cross_pct;
  // Passive: buys below the mid, sells above. Crossing: the other way, so the order
  // meets resting liquidity on the far side.
  int64_t sign = (buy != cross) ? -1 : 1;
  return std::clamp(mid + sign * offset, kMinPrice, kMaxPrice);
}

Command CommandStream::place(bool ioc) {
  Command c;
  c.type = rng_.below(2) ? CommandType::kBuy : CommandType::kSell;
  c.market = pick_market();
  c.account = static_cast<int64_t>(rng_.below(spec_.accounts));
  c.order_id = next_id_++;
  c.qty = rng_.between(1, spec_.max_qty);
  c.price = price_for(c.type == CommandType::kBuy, c.market);
  c.ioc = ioc;
  if (!ioc) {
    if (live_count_ == kLiveCap) {  // forget the oldest
      live_head_ = (live_head_ + 1) % kLiveCap;
      --live_count_;
    }
    live_[(live_head_ + live_count_) % kLiveCap] = {c.market, c.account, c.order_id};
    ++live_count_;
  }
  return c;
}

Command CommandStream::next() {
  if ((++step_ & (kMidRefresh - 1)) == 0) update_mids();
  const int r = static_cast<int>(rng_.below(100));
  if (r < cumulative_[0]) return place(false);
  if (r < cumulative_[1]) return place(true);
  if (r < cumulative_[3] && live_count_ > 0) {
    // Cancel and reduce among the client's most recent orders, as a market maker
    // re-quotes: those are the ones most likely still resting (older ones tend to
    // have been swept as the mid drifts through them).
    const std::size_t back = rng_.below(std::min(live_count_, kRecent));  // 0 = newest
    const std::size_t i = (live_head_ + live_count_ - 1 - back) % kLiveCap;
    const Live l = live_[i];
    Command c;
    c.market = l.market;
    c.account = l.account;
    c.order_id = l.id;
    if (r < cumulative_[2]) {
      c.type = CommandType::kCancel;
      // Close the gap (at most kRecent moves), keeping the ring in age order: the
      // client will not cancel the same order twice.
      for (std::size_t k = back; k > 0; --k) {
        const std::size_t at = (live_head_ + live_count_ - 1 - k) % kLiveCap;
        live_[at] = live_[(at + 1) % kLiveCap];
      }
      --live_count_;
    } else {
      c.type = CommandType::kReduce;
      c.qty = 1;  // valid while more than 1 remains, else `invalid`
    }
    return c;
  }
  if (r < cumulative_[3]) return place(false);  // nothing to cancel yet
  Command c;
  c.market = pick_market();
  switch (rng_.below(3)) {
    case 0:
      c.type = CommandType::kTop;
      break;
    case 1:
      c.type = CommandType::kDepth;
      c.qty = 5;
      break;
    default:
      c.type = CommandType::kBalance;
      c.account = static_cast<int64_t>(rng_.below(spec_.accounts));
      break;
  }
  return c;
}

}  // namespace swlab
