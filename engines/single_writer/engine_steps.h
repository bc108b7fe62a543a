// The engine's loop, as steps a channel can call: for a channel that runs the loop
// itself (DrivingChannel in policy_concepts.h; channel=tokio, whose loop is a task on a
// tokio runtime).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/request.h"

namespace swlab {

// What the engine hands a channel that runs the engine's loop itself: the
// steps its own loop takes, as plain function pointers, so that a loop written in
// another language can call them. Valid on the engine thread, for the call to drive().
struct EngineSteps {
  void* engine;
  std::size_t batch;  // the most requests one serve() may take
  // Applies requests[0, n) in order (each gets its sequence number), makes them
  // durable, publishes their replies through the reply path and releases their
  // admission slots: the step every channel's batches go through.
  void (*serve)(void* engine, Request* const* requests, std::size_t n);
  // The engine's wait strategy, after the polls-th consecutive empty poll: true
  // means "sleep until a request arrives".
  bool (*idle)(void* engine, uint32_t polls);
  // The engine is stopping and every admitted request has been answered: the loop
  // must return.
  bool (*stopped)(void* engine);
};

}  // namespace swlab
