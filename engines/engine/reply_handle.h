// The reply handle a channel may keep per request (engine.h's Request), for the
// one channel that carries the reply back itself.
#pragma once

#include <cstddef>

namespace swlab {

// Engine-internal: a reply handle that a channel keeps per request when the channel
// carries the reply back itself (channel=tokio: the oneshot receiver the caller
// waits on). Opaque bytes to everything but that channel, which fills them when the
// request is pushed and empties them when the caller waits. A caller that polls
// done.ready() instead never waits: the handle is then released when the request
// is submitted again, or here when it is destroyed.
class ReplyHandle {
 public:
  static constexpr std::size_t kBytes = 16;

  ReplyHandle() = default;
  ReplyHandle(const ReplyHandle&) = delete;
  ReplyHandle& operator=(const ReplyHandle&) = delete;
  ~ReplyHandle() { reset(); }

  bool held() const { return release_ != nullptr; }
  // The channel has written a handle into storage(); release frees it unused.
  void* hold(void (*release)(void*)) {
    release_ = release;
    return bytes_;
  }
  void* storage() { return bytes_; }
  // The channel consumes the handle (waits on it): nothing is left to release.
  void* take() {
    release_ = nullptr;
    return bytes_;
  }
  void reset() {
    if (release_ != nullptr) release_(take());
  }

 private:
  alignas(8) unsigned char bytes_[kBytes];
  void (*release_)(void*) = nullptr;
};

}  // namespace swlab
