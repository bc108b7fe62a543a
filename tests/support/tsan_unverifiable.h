// Channels whose synchronisation ThreadSanitizer cannot verify, and why. Their
// concurrent tests are skipped in the tsan build, with the reason, never run with
// the report suppressed; docs/single-writer.md says the same where each channel is
// described. Everywhere else (asan, release) they run like every channel.
#pragma once

#include <string>

namespace swlab::test {

// Empty when ThreadSanitizer can check `channel`; else why it cannot.
inline std::string tsan_cannot_verify(const std::string& channel) {
  // Boost.Lockfree 1.74's queue reads a free-list node's next index non-atomically
  // while another producer may be re-initialising that node (boostorg/lockfree#78;
  // upstream calls it benign: the tagged CAS discards the stale value). It is a data
  // race all the same, so ThreadSanitizer reports it with two or more producers.
  if (channel == "boost-queue") return "boost-queue races inside Boost.Lockfree (boostorg/lockfree#78)";
  // moodycamel's queues synchronise blocks through relaxed operations and standalone
  // fences, which ThreadSanitizer does not model, so it reports races on block slots
  // intermittently (cameron314/concurrentqueue#254, open).
  if (channel.rfind("moodycamel", 0) == 0)
    return "moodycamel's fence-based synchronisation is invisible to tsan (cameron314/concurrentqueue#254)";
  return {};
}

// The same for an engine spec: the channel its `channel=` option names, if any.
inline std::string tsan_cannot_verify_spec(const std::string& spec) {
  const std::size_t at = spec.find(":channel=");
  if (at == std::string::npos) return {};
  const std::size_t from = at + 9;
  return tsan_cannot_verify(spec.substr(from, spec.find(':', from) - from));
}

}  // namespace swlab::test
