// The per-request state of one single-writer configuration: its channel's part and
// its reply path's (each a policy's Payload, policy_concepts.h), behind the one
// pointer a Request has for it (engine/request.h). Most configurations keep none:
// then nothing here is compiled into their hot path and requests stay as the caller
// made them.
//
// Where a payload lives:
//   - beside a request the engine makes itself (a blocking call: execute(), or an
//     inspection), on the engine's caller's stack: `Call` below;
//   - for a request a client made, in an allocation the engine attaches to it at its
//     first submit and reuses at every later one; the request frees it when it is
//     destroyed (RequestPayload::release). Only configurations whose channel keeps a
//     part need this (tokio's oneshot receiver); a reply path's part exists only for
//     the engine's own calls.
#pragma once


#include "engine/request.h"
#include "single_writer/policy_concepts.h"

namespace swlab {

template <class ChannelT, class ReplyT>
class RequestPayloads {
 public:
  using ChannelPart = payload_of<ChannelT>;
  using ReplyPart = payload_of<ReplyT>;
  // Some part exists: the engine's own calls carry a payload.
  static constexpr bool kAny = keeps_payload<ChannelT>() || keeps_payload<ReplyT>();
  // The channel keeps a part: every request needs one.
  static constexpr bool kEveryRequest = keeps_payload<ChannelT>();

  struct Payload final : RequestPayload {
    [[no_unique_address]] ChannelPart channel;
    [[no_unique_address]] ReplyPart reply;
  };

  // A request the engine makes for itself, with its payload beside it (on the stack
  // of the call that makes it: nothing to free).
  struct WithPayload {
    WithPayload() { request.payload = &payload; }
    WithPayload(const WithPayload&) = delete;
    WithPayload& operator=(const WithPayload&) = delete;
    ~WithPayload() { request.payload = nullptr; }  // the request must not free it
    Request request;
    Payload payload;
  };
  struct WithoutPayload {
    Request request;
  };
  using Call = std::conditional_t<kAny, WithPayload, WithoutPayload>;

  // At submit, on the client's thread: gives a client's request this configuration's
  // payload (allocated at its first submit, reused after), with the parts left from
  // its previous use released, so that a refusal leaves nothing behind. A payload of
  // another engine's kind (a request reused across engines) is freed and replaced.
  static void prepare(Request& r) {
    if constexpr (kAny) {
      RequestPayload* p = r.payload;
      // Ours: the engine's own call (nothing to free), or one allocated here.
      const bool ours = p != nullptr && (p->release == nullptr || p->release == &free_payload);
      if (!ours) {
        if (p != nullptr) p->release(p);
        r.payload = nullptr;
        if constexpr (kEveryRequest) {
          auto* fresh = new Payload;
          fresh->release = &free_payload;
          r.payload = fresh;
        }
      }
      if constexpr (requires(ChannelPart& c) { c.reset(); }) {
        if (r.payload != nullptr) of(r)->channel.reset();
      }
    } else {
      (void)r;
    }
  }

  // The request's payload, which prepare() made ours; null if it has none.
  static Payload* of(Request& r) { return static_cast<Payload*>(r.payload); }
  static ReplyPart* reply_part(Request& r) {
    Payload* p = of(r);
    return p != nullptr ? &p->reply : nullptr;
  }

 private:
  static void free_payload(RequestPayload* p) { delete static_cast<Payload*>(p); }
};

}  // namespace swlab
