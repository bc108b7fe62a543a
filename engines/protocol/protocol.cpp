#include "protocol/protocol.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <istream>
#include <ostream>
#include <set>

#include "protocol/line_reader.h"

namespace swlab {

namespace {

// At most this many bytes of a token are echoed in an error message.
constexpr std::size_t kMaxEchoedToken = 32;

std::vector<std::string_view> tokenize(std::string_view line) {
  if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

bool parse_int(std::string_view tok, int64_t* v) {
  if (!tok.empty() && tok[0] == '+') {
    tok.remove_prefix(1);
    if (!tok.empty() && (tok[0] == '-' || tok[0] == '+')) return false;
  }
  if (tok.empty()) return false;
  auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), *v);
  return ec == std::errc{} && ptr == tok.data() + tok.size();
}

struct Args {
  const std::vector<std::string_view>& tokens;
  const std::vector<std::string>& symbols;
  std::size_t next = 1;
  std::string error;

  bool symbol(uint32_t* market) {
    std::string_view tok = tokens[next++];
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (symbols[i] == tok) {
        *market = static_cast<uint32_t>(i);
        return true;
      }
    }
    error = "unknown symbol " + quote_token(tok);
    return false;
  }

  bool integer(const char* field, int64_t* v) {
    std::string_view tok = tokens[next++];
    if (parse_int(tok, v)) return true;
    error = std::string(field) + " " + quote_token(tok) + " is not an integer";
    return false;
  }

  bool non_negative(const char* field, int64_t* v) {
    if (!integer(field, v)) return false;
    if (*v >= 0) return true;
    error = std::string(field) + " must be non-negative, got " + std::to_string(*v);
    return false;
  }
};

struct Syntax {
  std::string_view name;
  CommandType type;
  std::size_t min_args;
  std::size_t max_args;
};

constexpr Syntax kSyntax[] = {
    {"deposit", CommandType::kDeposit, 4, 4}, {"buy", CommandType::kBuy, 5, 6},
    {"sell", CommandType::kSell, 5, 6},       {"cancel", CommandType::kCancel, 3, 3},
    {"reduce", CommandType::kReduce, 4, 4},   {"top", CommandType::kTop, 1, 1},
    {"depth", CommandType::kDepth, 2, 2},     {"balance", CommandType::kBalance, 2, 2},
    {"digest", CommandType::kDigest, 0, 0},
};

void append_balance(std::string* out, std::string_view sym, int64_t account, const Balance& b) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                " %" PRId64 " cash=%" PRId64 "/%" PRId64 " qty=%" PRId64 "/%" PRId64 "\n", account,
                b.cash_free, b.cash_reserved, b.qty_free, b.qty_reserved);
  out->append("balance ").append(sym).append(buf);
}

void append_order_ref(std::string* out, std::string_view verb, std::string_view sym,
                      const Command& c) {
  out->append(verb).append(" ").append(sym);
  out->append(" ").append(std::to_string(c.account)).append("/").append(std::to_string(c.order_id));
}

// "rejected <sym> <account>/<id> <reason>": the one reply for any refused order command.
void append_rejected(std::string* out, std::string_view sym, const Command& c, const Reply& r) {
  append_order_ref(out, "rejected", sym, c);
  out->append(" ").append(to_string(r.reason)).append("\n");
}

void append_levels(std::string* out, const std::vector<LevelView>& levels) {
  if (levels.empty()) {
    out->push_back('-');
    return;
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i) out->push_back(',');
    out->append(std::to_string(levels[i].price)).append("x").append(std::to_string(levels[i].qty));
  }
}

void append_side(std::string* out, int64_t price, int64_t qty) {
  if (price == 0) {
    out->push_back('-');
  } else {
    out->append(std::to_string(price)).append("x").append(std::to_string(qty));
  }
}

}  // namespace

std::string quote_token(std::string_view tok) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string q = "'";
  for (std::size_t i = 0; i < tok.size() && i < kMaxEchoedToken; ++i) {
    const auto c = static_cast<unsigned char>(tok[i]);
    if (c == '\\' || c == '\'' || c < 0x20 || c > 0x7e) {
      q += "\\x";
      q += kHex[c >> 4];
      q += kHex[c & 15];
    } else {
      q += static_cast<char>(c);
    }
  }
  if (tok.size() > kMaxEchoedToken) q += "...";
  q += "'";
  if (tok.size() > kMaxEchoedToken) q += " (" + std::to_string(tok.size()) + " bytes)";
  return q;
}

Protocol::Protocol(std::vector<std::string> symbols) : symbols_(std::move(symbols)) {}

ParsedLine Protocol::parse(std::string_view line) const {
  ParsedLine p;
  std::vector<std::string_view> tokens = tokenize(line);
  if (tokens.empty()) return p;
  p.kind = ParsedLine::Kind::kError;
  const Syntax* syntax = nullptr;
  for (const Syntax& s : kSyntax)
    if (s.name == tokens[0]) syntax = &s;
  if (syntax == nullptr) {
    p.error = "unknown command " + quote_token(tokens[0]);
    return p;
  }
  const std::size_t nargs = tokens.size() - 1;
  if (nargs < syntax->min_args || nargs > syntax->max_args) {
    p.error = "'" + std::string(syntax->name) + "' takes " + std::to_string(syntax->min_args);
    if (syntax->max_args != syntax->min_args) p.error += " or " + std::to_string(syntax->max_args);
    p.error += syntax->max_args == 1 ? " argument, got " : " arguments, got ";
    p.error += std::to_string(nargs);
    return p;
  }
  Command& c = p.cmd;
  c.type = syntax->type;
  Args a{tokens, symbols_, 1, {}};
  bool ok = true;
  switch (c.type) {
    case CommandType::kDeposit: {
      ok = a.symbol(&c.market) && a.non_negative("account", &c.account);
      if (ok) {
        std::string_view asset = tokens[a.next++];
        if (asset == "cash") {
          c.asset = Asset::kCash;
        } else if (asset == "qty") {
          c.asset = Asset::kQty;
        } else {
          a.error = "deposit asset must be 'cash' or 'qty', got " + quote_token(asset);
          ok = false;
        }
      }
      ok = ok && a.integer("amount", &c.qty);
      if (ok && (c.qty < 1 || c.qty > kMaxDeposit)) {
        a.error = "deposit amount must be between 1 and " + std::to_string(kMaxDeposit) +
                  ", got " + std::to_string(c.qty);
        ok = false;
      }
      break;
    }
    case CommandType::kBuy:
    case CommandType::kSell:
      ok = a.symbol(&c.market) && a.non_negative("account", &c.account) &&
           a.non_negative("order id", &c.order_id) && a.integer("qty", &c.qty) &&
           a.integer("price", &c.price);
      if (ok && nargs == 6) {
        if (tokens[6] == "ioc") {
          c.ioc = true;
        } else {
          a.error = "expected 'ioc' as the last token, got " + quote_token(tokens[6]);
          ok = false;
        }
      }
      break;
    case CommandType::kCancel:
      ok = a.symbol(&c.market) && a.non_negative("account", &c.account) &&
           a.non_negative("order id", &c.order_id);
      break;
    case CommandType::kReduce:
      ok = a.symbol(&c.market) && a.non_negative("account", &c.account) &&
           a.non_negative("order id", &c.order_id) && a.integer("qty", &c.qty);
      break;
    case CommandType::kTop:
      ok = a.symbol(&c.market);
      break;
    case CommandType::kDepth:
      ok = a.symbol(&c.market) && a.non_negative("levels", &c.qty);
      break;
    case CommandType::kBalance:
      ok = a.symbol(&c.market) && a.non_negative("account", &c.account);
      break;
    case CommandType::kDigest:
      break;
  }
  if (!ok) {
    p.error = std::move(a.error);
    return p;
  }
  p.kind = ParsedLine::Kind::kCommand;
  return p;
}

void Protocol::format(const Command& c, const Reply& r, const ReplyBuffers& buffers, int line_no,
                      std::string* out) const {
  if (r.status == Status::kUnset) {
    // Never the answer of a working engine (core/types.h): printed as an error so that
    // a script's output cannot match while the engine answers nothing.
    out->append("error line ").append(std::to_string(line_no)).append(": the engine left the reply unset\n");
    return;
  }
  const std::string_view sym =
      c.type == CommandType::kDigest ? std::string_view{} : std::string_view{symbols_[c.market]};
  switch (c.type) {
    case CommandType::kDeposit:
      if (!r.ok()) {
        out->append("error line ").append(std::to_string(line_no));
        out->append(r.reason == RejectReason::kOverflow
                        ? ": deposit would overflow the market total\n"
                        : ": deposit rejected: " + std::string(to_string(r.reason)) + "\n");
        return;
      }
      append_balance(out, sym, c.account, r.balance);
      return;
    case CommandType::kBuy:
    case CommandType::kSell:
      for (const Trade& t : buffers.trades) {
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      " %" PRId64 " %" PRId64 " buy=%" PRId64 "/%" PRId64 " sell=%" PRId64
                      "/%" PRId64 "\n",
                      t.qty, t.price, t.buy_account, t.buy_id, t.sell_account, t.sell_id);
        out->append("trade ").append(sym).append(buf);
      }
      if (!r.ok()) return append_rejected(out, sym, c, r);
      append_order_ref(out, "accepted", sym, c);
      out->append(" filled=").append(std::to_string(r.filled));
      out->append(" resting=").append(std::to_string(r.resting)).append("\n");
      return;
    case CommandType::kCancel:
    case CommandType::kReduce:
      if (!r.ok()) return append_rejected(out, sym, c, r);
      append_order_ref(out, c.type == CommandType::kCancel ? "canceled" : "reduced", sym, c);
      out->append(" qty=").append(std::to_string(r.resting)).append("\n");
      return;
    case CommandType::kTop:
      out->append("top ").append(sym).append(" bid=");
      append_side(out, r.top.bid_price, r.top.bid_qty);
      out->append(" ask=");
      append_side(out, r.top.ask_price, r.top.ask_qty);
      out->append("\n");
      return;
    case CommandType::kDepth:
      out->append("depth ").append(sym).append(" bids=");
      append_levels(out, buffers.bids);
      out->append(" asks=");
      append_levels(out, buffers.asks);
      out->append("\n");
      return;
    case CommandType::kBalance:
      append_balance(out, sym, c.account, r.balance);
      return;
    case CommandType::kDigest: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "digest %016" PRIx64 "\n", r.digest);
      out->append(buf);
      return;
    }
  }
}

bool Protocol::execute_line(Engine& engine, std::string_view line, bool too_long, int line_no,
                            ReplyBuffers* buffers, std::string* out) const {
  if (too_long) {
    out->append("error line ").append(std::to_string(line_no));
    out->append(": line is longer than ").append(std::to_string(LineReader::kMaxLineBytes)).append(" bytes\n");
    return true;
  }
  ParsedLine p = parse(line);
  if (p.kind == ParsedLine::Kind::kEmpty) return false;
  if (p.kind == ParsedLine::Kind::kError) {
    out->append("error line ").append(std::to_string(line_no)).append(": ");
    out->append(p.error).append("\n");
    return true;
  }
  buffers->clear();
  Reply r = engine.execute(p.cmd, buffers);
  const std::size_t start = out->size();
  format(p.cmd, r, *buffers, line_no, out);
  return out->compare(start, 11, "error line ") == 0;
}

int Protocol::run(Engine& engine, std::istream& in, std::ostream& out) const {
  LineReader reader = LineReader::from_stream(in);
  std::string line;
  std::string reply;
  ReplyBuffers buffers;
  bool too_long = false;
  int read_error = 0;
  int line_no = 0;
  int errors = 0;
  while (reader.next(&line, &too_long, &read_error) == LineReader::Result::kLine) {
    reply.clear();
    if (execute_line(engine, line, too_long, ++line_no, &buffers, &reply)) ++errors;
    out << reply;
  }
  return errors;
}

std::vector<std::string> default_symbols(int n) {
  std::vector<std::string> s;
  for (int i = 0; i < n; ++i) s.push_back("S" + std::to_string(i));
  return s;
}

bool parse_symbols(std::string_view list, std::vector<std::string>* out, std::string* error) {
  out->clear();
  std::set<std::string, std::less<>> seen;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = list.find(',', start);
    std::string_view sym = list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    if (sym.empty() || sym.size() > 16) {
      *error = "symbol '" + std::string(sym) + "' must be 1 to 16 characters";
      return false;
    }
    for (char ch : sym) {
      bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                ch == '.' || ch == '_' || ch == '-';
      if (!ok) {
        *error = "symbol '" + std::string(sym) + "' has a character outside [A-Za-z0-9._-]";
        return false;
      }
    }
    if (!seen.insert(std::string(sym)).second) {
      *error = "symbol '" + std::string(sym) + "' is given twice";
      return false;
    }
    if (out->size() == kMaxSymbols) {
      *error = "more than " + std::to_string(kMaxSymbols) + " symbols (each is a market)";
      return false;
    }
    out->emplace_back(sym);
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

}  // namespace swlab
