#include "script_runner.h"

#include <sstream>

#include "protocol/protocol.h"

namespace swlab::test {

std::string run_script(Engine& engine, std::string_view script) {
  Protocol protocol(default_symbols());
  std::istringstream in{std::string(script)};
  std::ostringstream out;
  protocol.run(engine, in, out);
  return out.str();
}

namespace {

// The next line of `text` from `*pos`, with its '\n' if it has one (so that a missing
// final newline is a difference too), or nullopt at the end.
std::optional<std::string_view> next_line(std::string_view text, std::size_t* pos) {
  if (*pos >= text.size()) return std::nullopt;
  const std::size_t end = text.find('\n', *pos);
  const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
  std::string_view line = text.substr(*pos, stop - *pos);
  *pos = stop;
  return line;
}

// A line as the report shows it: quoted, without its newline, cut short if very long.
std::string shown(const std::optional<std::string_view>& line) {
  if (!line) return "(end of output)";
  std::string_view text = *line;
  const bool newline = !text.empty() && text.back() == '\n';
  if (newline) text.remove_suffix(1);
  constexpr std::size_t kMax = 300;
  std::string s = "'";
  s.append(text.substr(0, kMax));
  if (text.size() > kMax) s.append("...");
  s.append("'");
  if (!newline) s.append(" (no newline at the end)");
  return s;
}

}  // namespace

std::optional<LineDifference> first_difference(std::string_view expected, std::string_view actual) {
  std::size_t pe = 0, pa = 0;
  for (int n = 1;; ++n) {
    std::optional<std::string_view> e = next_line(expected, &pe);
    std::optional<std::string_view> a = next_line(actual, &pa);
    if (!e && !a) return std::nullopt;
    if (e != a) return LineDifference{n, e, a};
  }
}

::testing::AssertionResult same_output(std::string_view script, std::string_view expected,
                                       std::string_view actual) {
  std::optional<LineDifference> d = first_difference(expected, actual);
  if (!d) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << script << ": the output differs first at line " << d->line
                                       << "\n  expected: " << shown(d->expected)
                                       << "\n  actual:   " << shown(d->actual);
}

}  // namespace swlab::test
