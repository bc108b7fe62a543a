// Journal records: the command payload and the framing around it (length, seq,
// CRC), as journal_format.h lays them out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/types.h"
#include "persistence/journal_format.h"

namespace swlab {

// Appends the 39-byte encoding of cmd to *out.
void encode_command(const Command& cmd, std::string* out);
// Decodes exactly n bytes; false if n != kEncodedCommandSize or a byte is out of
// range (unknown type or asset, ioc not 0 or 1). *cmd is written only on success.
bool decode_command(const uint8_t* data, std::size_t n, Command* cmd);

// Appends one whole record (header, CRC, payload: kEncodedRecordSize bytes).
void encode_record(uint64_t seq, const Command& cmd, std::string* out);

// Whether a decoded command can have been journaled by an engine whose state has
// `markets` markets: a state-changing type, market < markets, account >= 0, an
// order id >= 0 for orders, cancels and reductions, a deposit amount in
// [1, kMaxDeposit]. Prices and order quantities are not limited: an order outside
// their ranges is a legitimate command that the engine rejected `invalid`, and it
// replays to the same rejection. On failure says why in *why.
bool check_record_fits(const Command& cmd, uint32_t markets, std::string* why);

// The same test without the message, for the hot path: a command that does not fit
// can never change the state (the market rejects it), and the engines' cores give it
// no sequence number and do not journal it (engine/exchange_core.h).
inline bool record_fits(const Command& cmd, uint32_t markets) {
  if (is_query(cmd.type) || cmd.market >= markets || cmd.account < 0) return false;
  if (cmd.type == CommandType::kDeposit) return cmd.qty >= 1 && cmd.qty <= kMaxDeposit;
  return cmd.order_id >= 0;
}

// The framing of the record at the start of [p, p + remaining): whether a whole,
// CRC-valid frame is there. `remaining` is the bytes from p to the end of the file;
// the caller provides at least min(remaining, kRecordHeaderSize + kMaxRecordPayload)
// of them at p. *len is the declared payload length once a header is there.
enum class Frame { kOk, kShortHeader, kBadLength, kPastEnd, kBadCrc };
Frame check_frame(const uint8_t* p, uint64_t remaining, uint32_t* len);
// What is wrong with a frame, for messages ("record CRC mismatch", ...).
std::string frame_problem(Frame f, uint32_t len, uint64_t remaining);

}  // namespace swlab
