// libFuzzer target for the `swlab exec` protocol parser: any bytes as a script.
// Lines come through the same bounded LineReader as exec's; each is parsed, and
// commands are applied to an Exchange and their replies formatted. Beyond "no crash,
// no leak, no sanitizer report" it traps if the parser breaks a promise:
//   - an error message is one line of printable ASCII of bounded length, whatever
//     bytes the input held (tokens are quoted and cut, docs/protocol.md);
//   - a line that parses is a command that prints back to a line that parses to
//     the same command (the grammar has one meaning per line);
//   - a line longer than the limit is never parsed;
//   - the state the commands build keeps its invariants.
// How to build and run it: tests/fuzz/README.md; CI runs it from scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/exchange.h"
#include "protocol/line_reader.h"
#include "protocol/protocol.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

constexpr std::size_t kMaxErrorMessage = 256;

std::string print(const swlab::Command& c, const std::vector<std::string>& symbols) {
  using swlab::CommandType;
  const std::string sym = c.type == CommandType::kDigest ? "" : symbols[c.market];
  auto n = [](int64_t v) { return " " + std::to_string(v); };
  switch (c.type) {
    case CommandType::kDeposit:
      return "deposit " + sym + n(c.account) + (c.asset == swlab::Asset::kCash ? " cash" : " qty") + n(c.qty);
    case CommandType::kBuy:
    case CommandType::kSell:
      return std::string(c.type == CommandType::kBuy ? "buy " : "sell ") + sym + n(c.account) + n(c.order_id) +
             n(c.qty) + n(c.price) + (c.ioc ? " ioc" : "");
    case CommandType::kCancel: return "cancel " + sym + n(c.account) + n(c.order_id);
    case CommandType::kReduce: return "reduce " + sym + n(c.account) + n(c.order_id) + n(c.qty);
    case CommandType::kTop: return "top " + sym;
    case CommandType::kDepth: return "depth " + sym + n(c.qty);
    case CommandType::kBalance: return "balance " + sym + n(c.account);
    case CommandType::kDigest: return "digest";
  }
  return "";
}

bool same(const swlab::Command& a, const swlab::Command& b) {
  return a.type == b.type && a.asset == b.asset && a.ioc == b.ioc && a.market == b.market &&
         a.account == b.account && a.order_id == b.order_id && a.qty == b.qty && a.price == b.price;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // Two markets: enough for every rule (markets are independent), and a state per
  // input is what the fuzzer pays for most.
  static const swlab::Protocol protocol(swlab::default_symbols(2));
  std::size_t pos = 0;
  swlab::LineReader reader([&](char* buf, std::size_t n) -> long {
    // Small, uneven reads: lines must be reassembled across them.
    const std::size_t k = std::min({n, size - pos, std::size_t{1} + (pos % 97)});
    std::memcpy(buf, data + pos, k);
    pos += k;
    return static_cast<long>(k);
  });
  swlab::Exchange exchange(2);
  swlab::ReplyBuffers buffers;
  std::string line, reply;
  bool too_long = false;
  int error = 0, line_no = 0;
  while (reader.next(&line, &too_long, &error) == swlab::LineReader::Result::kLine) {
    ++line_no;
    check(line.size() <= swlab::LineReader::kMaxLineBytes);
    check(line.find('\n') == std::string::npos);
    if (too_long) continue;  // exec prints the length error; the parser never sees it
    swlab::ParsedLine p = protocol.parse(line);
    if (p.kind == swlab::ParsedLine::Kind::kError) {
      check(!p.error.empty() && p.error.size() <= kMaxErrorMessage);
      for (char c : p.error) check(c >= 0x20 && c <= 0x7e);
      continue;
    }
    if (p.kind == swlab::ParsedLine::Kind::kEmpty) continue;
    swlab::ParsedLine again = protocol.parse(print(p.cmd, protocol.symbols()));
    check(again.kind == swlab::ParsedLine::Kind::kCommand && same(again.cmd, p.cmd));
    buffers.clear();
    swlab::Reply r = exchange.apply(p.cmd, &buffers);
    reply.clear();
    protocol.format(p.cmd, r, buffers, line_no, &reply);
    check(!reply.empty() && reply.back() == '\n');
  }
  std::string why;
  check(exchange.check_invariants(&why));
  return 0;
}
