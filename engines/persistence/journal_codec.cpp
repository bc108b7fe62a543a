#include "persistence/journal_codec.h"

#include "persistence/crc32c.h"
#include "platform/byte_order.h"

namespace swlab {

namespace {

void encode_command_at(const Command& cmd, uint8_t* b) {
  put_u8(b, static_cast<uint8_t>(cmd.type));
  put_u8(b + 1, static_cast<uint8_t>(cmd.asset));
  put_u8(b + 2, cmd.ioc ? 1 : 0);
  put_u32(b + 3, cmd.market);
  put_i64(b + 7, cmd.account);
  put_i64(b + 15, cmd.order_id);
  put_i64(b + 23, cmd.qty);
  put_i64(b + 31, cmd.price);
}

}  // namespace

void encode_command(const Command& cmd, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + kEncodedCommandSize);
  encode_command_at(cmd, reinterpret_cast<uint8_t*>(out->data() + start));
}

bool decode_command(const uint8_t* data, std::size_t n, Command* cmd) {
  if (n != kEncodedCommandSize) return false;
  if (data[0] >= kCommandTypeCount || data[1] > static_cast<uint8_t>(Asset::kQty) || data[2] > 1)
    return false;
  cmd->type = static_cast<CommandType>(data[0]);
  cmd->asset = static_cast<Asset>(data[1]);
  cmd->ioc = data[2] == 1;
  cmd->market = get_u32(data + 3);
  cmd->account = get_i64(data + 7);
  cmd->order_id = get_i64(data + 15);
  cmd->qty = get_i64(data + 23);
  cmd->price = get_i64(data + 31);
  return true;
}

// One resize and in-place stores: this runs once per journaled command on the
// engine thread, so it must not grow the buffer field by field.
void encode_record(uint64_t seq, const Command& cmd, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + kEncodedRecordSize);
  auto* r = reinterpret_cast<uint8_t*>(out->data() + start);
  put_u32(r, static_cast<uint32_t>(kEncodedCommandSize));
  put_u64(r + 4, seq);
  encode_command_at(cmd, r + kRecordHeaderSize);
  uint32_t crc = crc32c(r, 12);
  crc = crc32c(r + kRecordHeaderSize, kEncodedCommandSize, crc);
  put_u32(r + 12, crc);
}

bool check_record_fits(const Command& cmd, uint32_t markets, std::string* why) {
  auto fail = [&](std::string what) {
    if (why != nullptr) *why = std::move(what);
    return false;
  };
  if (is_query(cmd.type))
    return fail(std::string("a '") + std::string(to_string(cmd.type)) +
                "' query, which is never journaled");
  if (cmd.market >= markets)
    return fail("names market " + std::to_string(cmd.market) + " but the state has " +
                std::to_string(markets));
  if (cmd.account < 0) return fail("names account " + std::to_string(cmd.account) + ", below 0");
  if (cmd.type == CommandType::kDeposit) {
    if (cmd.qty < 1 || cmd.qty > kMaxDeposit)
      return fail("deposits " + std::to_string(cmd.qty) + ", outside 1.." + std::to_string(kMaxDeposit));
  } else if (cmd.order_id < 0) {
    return fail("names order id " + std::to_string(cmd.order_id) + ", below 0");
  }
  return true;
}

Frame check_frame(const uint8_t* p, uint64_t remaining, uint32_t* len) {
  if (remaining < kRecordHeaderSize) return Frame::kShortHeader;
  *len = get_u32(p);
  if (*len > kMaxRecordPayload) return Frame::kBadLength;
  if (*len > remaining - kRecordHeaderSize) return Frame::kPastEnd;
  uint32_t crc = crc32c(p, 12);
  crc = crc32c(p + kRecordHeaderSize, *len, crc);
  return crc == get_u32(p + 12) ? Frame::kOk : Frame::kBadCrc;
}

std::string frame_problem(Frame f, uint32_t len, uint64_t remaining) {
  switch (f) {
    case Frame::kShortHeader:
      return "partial record header (" + std::to_string(remaining) + " of " +
             std::to_string(kRecordHeaderSize) + " bytes)";
    case Frame::kBadLength:
      return "record length " + std::to_string(len) + " exceeds the limit of " +
             std::to_string(kMaxRecordPayload);
    case Frame::kPastEnd:
      return "record of " + std::to_string(len) + " payload bytes runs past the end of the file (" +
             std::to_string(remaining) + " bytes remain)";
    case Frame::kBadCrc:
      return "record CRC mismatch";
    case Frame::kOk:
      break;
  }
  return "record ok";
}

}  // namespace swlab
