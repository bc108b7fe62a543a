// libFuzzer target for the snapshot decoder: any byte string must decode into a
// valid state or be refused with an error; never a crash, a leak, a sanitizer
// report or a state that breaks the invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/exchange.h"
#include "persistence/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t markets = 0;
  // Trust the header's market count only within reason: the decoder is asked to
  // fill an Exchange of that size.
  if (!swlab::snapshot_markets(data, size, &markets) || markets == 0 || markets > 64) markets = 2;
  swlab::Exchange exchange(markets);
  uint64_t seq = 0;
  std::string error;
  if (swlab::decode_snapshot(data, size, &exchange, &seq, &error)) {
    std::string why;
    if (!exchange.check_invariants(&why)) std::abort();  // decode must refuse impossible states
    (void)exchange.digest();
  }
  return 0;
}
