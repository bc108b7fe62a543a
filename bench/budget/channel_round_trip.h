// The round trips the single writer is built from, each measured without an engine:
// a channel's bare round trip (two channels of its kind, one item in flight, a spinning
// echo thread: bench/micro/bm_channels.cpp's BM_ChannelRoundTrip) and a reply path's
// (a ping on its own line, then the reply path's complete() and wait()).
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "budget/latency_budget.h"
#include "load/load_config.h"

namespace swlab {

// nullopt: no channel of that name, or one with no ring to poll (a driving channel,
// tokio: its consumer is a loop of its own).
std::optional<Quantiles> measure_channel_round_trip(const std::string& channel, ClockKind clock, double seconds,
                                                    const std::atomic<bool>* stop);

// nullopt: no reply path of that name.
std::optional<Quantiles> measure_reply_round_trip(const std::string& reply, ClockKind clock, double seconds,
                                                  const std::atomic<bool>* stop);

}  // namespace swlab
