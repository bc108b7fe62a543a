// One asynchronous request, as a caller hands it to Engine::submit, and the hook by
// which an engine's policies keep state of their own per request.
#pragma once

#include <cstddef>
#include <functional>

#include "core/types.h"
#include "engine/completion.h"
#include "platform/cache_line.h"

namespace swlab {

// Engine-internal: state that some of an engine's policies keep per request (the
// single writer's tokio channel keeps the reply's oneshot receiver; its future reply
// path, the promise of a blocking call). Its type is the engine's own
// (single_writer/request_payload.h composes it from the policies' parts); here it is
// only something a request may point to and must free.
struct RequestPayload {
  // Frees a payload the engine allocated for a caller's request (its type's own
  // function, which also tells an engine whether a payload is of its kind); null for
  // one that lives on the engine's own stack, beside a request it made itself.
  void (*release)(RequestPayload*) = nullptr;
};

// The caller owns a request: it fills cmd (and out), calls Engine::submit, and must
// neither touch nor destroy it until done is complete.
//
// Laid out for the hand-off between two cores: what the caller fills (cmd, out,
// control, payload) is the first line, which the single writer's channels copy from
// at submit (single_writer/handoff.h) and its engine thread reads only for an
// inspection, a payload or a driving channel; the word the caller polls shares the
// second with the reply, so a caller that sees `done` has its reply in the same
// transfer. Unaligned and in field order it spread over four
// lines, each a transfer of its own (docs/single-writer.md, "The round trip, line by
// line"). Nothing else: a field that only some configurations use belongs to their
// policies (the payload), not to every request of every engine.
struct alignas(kCacheLine) Request {
  Command cmd;
  ReplyBuffers* out = nullptr;
  // Engine-internal: when set, the engine thread runs this instead of cmd
  // (inspection serialised with commands). Clients leave it null.
  const std::function<void()>* control = nullptr;
  // Engine-internal: the policies' per-request state, if the engine's configuration
  // keeps any (RequestPayload above). Clients leave it null.
  RequestPayload* payload = nullptr;
  alignas(kCacheLine / 2) Completion done;  // a 64-byte line of its own with the reply
  Reply reply;

  Request() = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  ~Request() {
    if (payload != nullptr && payload->release != nullptr) payload->release(payload);
  }
};
static_assert(offsetof(Request, payload) + sizeof(Request::payload) <= 64,
              "the fields the engine reads must fit the first 64-byte line");
static_assert(offsetof(Request, done) == 64 && offsetof(Request, reply) + sizeof(Reply) <= 128,
              "the completion word and the reply must share the second 64-byte line");
static_assert(sizeof(Request) == 128, "a request is its two lines and nothing more: one 128-byte pair");

}  // namespace swlab
