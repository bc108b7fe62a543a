// What a channel carries from a client to the engine thread: a request, with a copy of
// everything the engine reads of it before it replies (the command and the buffers
// pointer), taken on the client's core when it submits.
//
// Why a copy and not the pointer alone: with a pointer, the engine can ask for the
// request's line only once the slot's line has arrived with the address in it, so the
// way in is two dependent transfers. Carried in the slot, the command arrives with the
// slot's lap in one, and the request's first line never leaves the client's core.
// bm_round_trip_shapes measured the two shapes against the ping-pong before this was
// built, in near placement: the command by value took 0.28-0.49 of the floor off the
// round trip, where the next candidate, a completion word the client never writes,
// took between nothing and 0.13 (docs/single-writer.md, "What the remaining transfers
// cost"; the engine itself gained about 0.19 in the median).
//
// Everything else the engine may need stays in the request and is read only when it is
// needed: an inspection (Request::control, the engine's own, rare) is flagged in the
// lowest bit of the request's address, which is 128-aligned (the tagged pointer of
// folly's PackedSyncPtr and LLVM's PointerIntPair); the policies' payload is read by the
// configurations that keep one, whose reply paths are slow anyway (future, tokio).
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/types.h"
#include "engine/request.h"

namespace swlab {

class Handoff {
 public:
  Handoff() = default;
  // Client side, at submit: the request's command, buffers and control are final.
  explicit Handoff(Request& r)
      : request_(reinterpret_cast<uintptr_t>(&r) | (r.control != nullptr ? kInspection : 0)),
        out_(r.out),
        cmd_(r.cmd) {}

  // Engine side: where the reply goes, and (for an inspection) what to run.
  Request& request() const { return *reinterpret_cast<Request*>(request_ & ~kInspection); }
  // The engine's own inspection (Request::control): run it, not the command.
  bool inspection() const { return (request_ & kInspection) != 0; }
  const Command& cmd() const { return cmd_; }
  ReplyBuffers* out() const { return out_; }

 private:
  static constexpr uintptr_t kInspection = 1;
  static_assert(alignof(Request) > kInspection, "the request's alignment leaves its lowest address bit free");

  uintptr_t request_ = 0;  // the request's address, and kInspection
  ReplyBuffers* out_ = nullptr;
  Command cmd_;
};

// Copied into and out of ring slots and lock-free nodes (boost's queue requires it).
static_assert(std::is_trivially_copyable_v<Handoff> && std::is_trivially_destructible_v<Handoff>);
// With the 8-byte lap a ring publishes it with (channels/lap_ring.h), one 64-byte line:
// the engine's check and its read of the whole hand-off are one transfer.
static_assert(sizeof(int64_t) + sizeof(Handoff) <= 64, "a lap and a hand-off must fit one 64-byte line");

}  // namespace swlab
