#include "measure/hdr_histogram.h"

#include <charconv>
#include <cmath>
#include <istream>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

namespace swlab {

namespace {

// ceil(p/100 * total), at least 1 and at most total. The product is shrunk by 4 ulps first: a
// decimal percentile such as 99.9 is stored a hair above its decimal value, and without the
// tolerance the exact rank 999 of 1000 would come out as 1000. Any true fractional part is
// many orders of magnitude larger than 4 ulps for realistic counts, so no real rank moves.
int64_t rank_at_percentile(double percentile, int64_t total) {
  const double exact = percentile / 100.0 * static_cast<double>(total);
  const double rank = std::ceil(exact * (1.0 - 4 * std::numeric_limits<double>::epsilon()));
  if (!(rank >= 1.0)) return 1;
  if (rank >= static_cast<double>(total)) return total;
  return static_cast<int64_t>(rank);
}

// HdrHistogram's percentile ticks: a fixed number of ticks in every half of the remaining distance
// to 100% (0..50 in steps of 10, 50..75 in 5, 75..87.5 in 2.5, ...), so the printed rows are
// round numbers a human can scan and the tail gets exponentially finer resolution. log()/log(2)
// rather than log2() on purpose: it is HdrHistogram's formula, and at exact powers of two the two
// can truncate differently, which would shift our ticks away from those of Java-written files.
double next_percentile_tick(double level, int ticks_per_half_distance) {
  const auto halvings = static_cast<int>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
  const double ticks = std::ldexp(static_cast<double>(ticks_per_half_distance), halvings + 1);
  return level + 100.0 / ticks;
}

void append_padded(std::string* line, std::string_view text, int width) {
  for (int pad = width - static_cast<int>(text.size()); pad > 0; --pad) line->push_back(' ');
  line->append(text);
}

// printf's "%<width>.<precision>f", but independent of the C locale (a process that called
// setlocale for a decimal comma must still write files other tools can read).
void append_fixed(std::string* line, double value, int width, int precision) {
  char buf[512];  // enough for any finite double in fixed notation with <= 12 decimals
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, precision);
  append_padded(line, ec == std::errc{} ? std::string_view(buf, static_cast<std::size_t>(end - buf)) : "nan",
                width);
}

void append_int(std::string* line, int64_t value, int width) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  append_padded(line, std::string_view(buf, static_cast<std::size_t>(end - buf)), width);
  (void)ec;  // 24 chars always suffice for an int64
}

template <class T>
bool parse_whole(std::string_view token, T* out) {
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), *out);
  return ec == std::errc{} && end == token.data() + token.size();
}

std::vector<std::string_view> split_whitespace(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

}  // namespace

HdrHistogram::HdrHistogram() : counts_(kCountsLength, 0) {}

void HdrHistogram::record_n(int64_t value, int64_t count) noexcept {
  if (count <= 0) return;
  const int64_t v = clamp_value(value);
  if (value > kHighestTrackableValue) saturated_ += count;
  if (value < 0) negative_ += count;
  counts_[index_of(v)] += count;
  total_ += count;
  if (v < min_) min_ = v;
  if (v > max_) max_ = v;
}

void HdrHistogram::merge(const HdrHistogram& other) noexcept {
  if (other.total_ == 0) return;
  // Only the other's occupied index range: latency data rarely spans more than a few buckets.
  const std::size_t last = index_of(other.max_);
  for (std::size_t i = index_of(other.min_); i <= last; ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  saturated_ += other.saturated_;
  negative_ += other.negative_;
  if (other.min_ < min_) min_ = other.min_;
  if (other.max_ > max_) max_ = other.max_;
}

void HdrHistogram::reset() noexcept {
  if (total_ != 0) {
    const std::size_t last = index_of(max_);
    for (std::size_t i = index_of(min_); i <= last; ++i) counts_[i] = 0;
  }
  total_ = 0;
  min_ = INT64_MAX;
  max_ = 0;
  saturated_ = 0;
  negative_ = 0;
}

int64_t HdrHistogram::min() const { return total_ == 0 ? 0 : lowest_equivalent_value(min_); }

int64_t HdrHistogram::lowest_equivalent_value(int64_t value) noexcept {
  return lowest_value_at_index(index_of(clamp_value(value)));
}

int64_t HdrHistogram::highest_equivalent_value(int64_t value) noexcept {
  return highest_value_at_index(index_of(clamp_value(value)));
}

int64_t HdrHistogram::midpoint_at_index(std::size_t index) noexcept {
  const int64_t lo = lowest_value_at_index(index);
  return lo + ((highest_value_at_index(index) - lo + 1) >> 1);
}

int64_t HdrHistogram::count_at_value(int64_t value) const { return counts_[index_of(clamp_value(value))]; }

double HdrHistogram::mean() const {
  if (total_ == 0) return 0.0;
  double sum = 0.0;
  // Each count stands at its bucket's midpoint: the unbiased choice when all we know is the bucket.
  const std::size_t last = index_of(max_);
  for (std::size_t i = index_of(min_); i <= last; ++i) {
    if (counts_[i] != 0) sum += static_cast<double>(midpoint_at_index(i)) * static_cast<double>(counts_[i]);
  }
  return sum / static_cast<double>(total_);
}

double HdrHistogram::stddev() const {
  if (total_ == 0) return 0.0;
  const double m = mean();
  double sum_sq = 0.0;
  // Two passes (mean first, then squared deviations) rather than E[x^2] - E[x]^2, which cancels
  // catastrophically when the spread is small next to the values (1.000 ms +/- 50 ns).
  const std::size_t last = index_of(max_);
  for (std::size_t i = index_of(min_); i <= last; ++i) {
    if (counts_[i] == 0) continue;
    const double d = static_cast<double>(midpoint_at_index(i)) - m;
    sum_sq += d * d * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sum_sq / static_cast<double>(total_));
}

int64_t HdrHistogram::value_at_percentile(double percentile) const {
  if (total_ == 0) return 0;
  if (!(percentile > 0.0)) return min();
  if (percentile >= 100.0) return max_;
  const int64_t rank = rank_at_percentile(percentile, total_);
  int64_t cumulative = 0;
  const std::size_t last = index_of(max_);
  for (std::size_t i = index_of(min_); i <= last; ++i) {
    cumulative += counts_[i];
    if (cumulative >= rank) return reported_value_at_index(i);
  }
  return max_;  // unreachable: the counts in [min_, max_] sum to total_
}

void HdrHistogram::write_hgrm(std::ostream& out, double value_scale) const {
  constexpr int kTicksPerHalfDistance = 5;
  constexpr int kValueDecimals = 3;  // HdrHistogram prints significant-digits decimals
  if (!(value_scale > 0.0) || !std::isfinite(value_scale)) value_scale = 1.0;

  std::string text = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n";
  auto row = [&](int64_t value, double level, int64_t cumulative, bool last) {
    append_fixed(&text, static_cast<double>(value) / value_scale, 12, kValueDecimals);
    text.push_back(' ');
    append_fixed(&text, level / 100.0, 2, 12);
    text.push_back(' ');
    append_int(&text, cumulative, 10);
    if (!last) {
      text.push_back(' ');
      append_fixed(&text, 1.0 / (1.0 - level / 100.0), 14, 2);
    }
    text.push_back('\n');
  };

  if (total_ != 0) {
    // Walk the buckets once; a bucket emits one row for every tick its cumulative count reaches,
    // so a bucket holding many values repeats its value on several rows, as in HdrHistogram.
    double level = 0.0;
    int64_t cumulative = 0;
    const std::size_t last = index_of(max_);
    bool done = false;
    for (std::size_t i = index_of(min_); i <= last && !done; ++i) {
      if (counts_[i] == 0) continue;
      cumulative += counts_[i];
      while (cumulative >= rank_at_percentile(level, total_)) {
        row(level == 0.0 ? min() : reported_value_at_index(i), level, cumulative, false);
        // HdrHistogram gives the last bucket a single tick row, then the 100% row below.
        if (cumulative == total_) {
          done = true;
          break;
        }
        const double next = next_percentile_tick(level, kTicksPerHalfDistance);
        // Only with astronomically large counts can the tick stop moving; never loop on it.
        if (!(next > level)) {
          done = true;
          break;
        }
        level = next;
      }
    }
    row(max_, 100.0, total_, true);
  }

  text += "#[Mean    = ";
  append_fixed(&text, mean() / value_scale, 12, kValueDecimals);
  text += ", StdDeviation   = ";
  append_fixed(&text, stddev() / value_scale, 12, kValueDecimals);
  text += "]\n#[Max     = ";
  append_fixed(&text, static_cast<double>(max_) / value_scale, 12, kValueDecimals);
  text += ", Total count    = ";
  append_int(&text, total_, 12);
  text += "]\n#[Buckets = ";
  append_int(&text, kBucketCount, 12);
  text += ", SubBuckets     = ";
  append_int(&text, kSubBucketCount, 12);
  text += "]\n";
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

bool parse_hgrm(std::istream& in, std::vector<HgrmRow>* rows, int64_t* total_count) {
  if (rows == nullptr || total_count == nullptr) return false;
  rows->clear();
  bool seen_header = false;
  bool in_footer = false;
  bool seen_total = false;
  int64_t total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string_view> tokens = split_whitespace(line);
    if (tokens.empty()) continue;
    if (!seen_header) {
      if (tokens.size() != 4 || tokens[0] != "Value" || tokens[1] != "Percentile" ||
          tokens[2] != "TotalCount" || tokens[3] != "1/(1-Percentile)") {
        return false;
      }
      seen_header = true;
      continue;
    }
    if (tokens[0].front() == '#') {
      in_footer = true;
      const std::string_view text(line);
      const std::size_t key = text.find("Total count");
      if (key == std::string_view::npos) continue;
      const std::size_t eq = text.find('=', key);
      if (eq == std::string_view::npos) return false;
      std::size_t begin = eq + 1;
      while (begin < text.size() && text[begin] == ' ') ++begin;
      std::size_t end = begin;
      while (end < text.size() && text[end] != ']' && text[end] != ',' && text[end] != ' ') ++end;
      if (seen_total || !parse_whole(text.substr(begin, end - begin), &total) || total < 0) return false;
      seen_total = true;
      continue;
    }
    if (in_footer || (tokens.size() != 3 && tokens.size() != 4)) return false;
    HgrmRow row{};
    if (!parse_whole(tokens[0], &row.value) || !std::isfinite(row.value)) return false;
    if (!parse_whole(tokens[1], &row.percentile)) return false;
    if (!(row.percentile >= 0.0 && row.percentile <= 1.0)) return false;
    if (!parse_whole(tokens[2], &row.total_count) || row.total_count < 0) return false;
    double inverse = 0.0;  // checked for form only; some writers print "inf" on the last row
    if (tokens.size() == 4 && !parse_whole(tokens[3], &inverse)) return false;
    rows->push_back(row);
  }
  if (!seen_header || !seen_total) return false;
  *total_count = total;
  return true;
}

}  // namespace swlab
