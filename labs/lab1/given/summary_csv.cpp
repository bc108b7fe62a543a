// The summary.csv reader for lab 1 (given: frozen). docs/results-format.md defines
// the file; this reads the columns analysis.h's Row holds.
#include <charconv>
#include <cstdlib>
#include <map>

#include "analysis.h"

namespace swlab::lab1 {

namespace {

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

template <class T>
bool parse_int(std::string_view s, T* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_double(std::string_view s, double* v) {
  if (s.empty()) return false;
  std::string tmp(s);
  char* end = nullptr;
  *v = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size();
}

}  // namespace

std::string_view to_string(TailCause c) {
  switch (c) {
    case TailCause::kNone: return "none";
    case TailCause::kCoherence: return "coherence";
    case TailCause::kSleeping: return "sleeping";
    case TailCause::kPreemption: return "preemption";
  }
  return "?";
}

bool parse_summary_csv(std::string_view text, std::vector<Row>* rows, std::string* error) {
  static const char* const kNeeded[] = {"engine",   "preset", "threads", "mode",   "repetition",    "oversubscribed",
                                        "commands", "throughput", "p50_ns", "p99_ns", "p999_ns", "ctx_voluntary",
                                        "ctx_involuntary"};
  rows->clear();
  std::map<std::string, size_t> col;
  size_t columns = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto f = split(line);
    auto bad = [&](const std::string& what) {
      if (error) *error = "line " + std::to_string(line_no) + ": " + what;
      return false;
    };
    if (columns == 0) {
      for (size_t i = 0; i < f.size(); ++i) col[std::string(f[i])] = i;
      for (const char* name : kNeeded)
        if (!col.count(name)) return bad(std::string("the header has no column '") + name + "' (not a swlab summary.csv?)");
      columns = f.size();
      continue;
    }
    if (f.size() != columns) return bad("expected " + std::to_string(columns) + " fields, got " + std::to_string(f.size()));
    Row r;
    r.engine = f[col["engine"]];
    r.preset = f[col["preset"]];
    r.mode = f[col["mode"]];
    const std::string_view over = f[col["oversubscribed"]];
    if (over != "true" && over != "false") return bad("oversubscribed must be true or false");
    r.oversubscribed = over == "true";
    if (!parse_int(f[col["threads"]], &r.threads) || !parse_int(f[col["repetition"]], &r.repetition) ||
        !parse_int(f[col["commands"]], &r.commands) || !parse_double(f[col["throughput"]], &r.throughput) ||
        !parse_int(f[col["p50_ns"]], &r.p50_ns) || !parse_int(f[col["p99_ns"]], &r.p99_ns) ||
        !parse_int(f[col["p999_ns"]], &r.p999_ns) || !parse_int(f[col["ctx_voluntary"]], &r.ctx_voluntary) ||
        !parse_int(f[col["ctx_involuntary"]], &r.ctx_involuntary))
      return bad("a number does not parse");
    rows->push_back(std::move(r));
  }
  if (columns == 0) {
    if (error) *error = "empty file";
    return false;
  }
  return true;
}

}  // namespace swlab::lab1
