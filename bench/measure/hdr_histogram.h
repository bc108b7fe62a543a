// A latency histogram in the style of HdrHistogram (Gil Tene), written from scratch for swlab.
//
// Why log-linear: latencies span nine decades (a 40 ns queue hop to a multi-second stall) and
// what we report about them is a relative statement ("p99.9 is 12.3 us", not "+/- 5 ns"). A
// linear histogram fine enough for the fast end would need 60e9 buckets; a purely logarithmic one
// (one bucket per power of two) is off by up to 2x. Log-linear splits every power-of-two range
// into the same number of linear sub-buckets, so the error relative to the value is bounded
// everywhere while the memory grows only with the log of the range.
//
// Configuration (fixed at compile time, so any two histograms can be merged):
//   - lowest discernible value 1 ns; values below 2048 are kept exactly;
//   - 3 significant decimal digits: 2048 sub-buckets, i.e. every value >= 2048 shares its bucket
//     only with values within 1/1024 (< 0.1%) of it;
//   - highest trackable value 2^36 - 1 ns (about 68.7 s): the next power-of-two range above the
//     60 s we promise, because a range that ends on a power of two needs no partial bucket;
//   - 27,648 int64 counters (216 KiB), allocated once in the constructor.
//
// Out-of-range values (record() never throws and never allocates, so it cannot reject them):
//   - above 2^36 - 1: recorded as 2^36 - 1 (so they still show up in the top percentiles rather
//     than vanishing) and counted in saturated_count();
//   - zero: recorded exactly, as value 0 (a reading below the clock's resolution is a real,
//     if uninformative, measurement);
//   - negative: recorded as 0 and counted in negative_count(). A negative latency means a broken
//     clock (a TSC read on another socket, a non-monotonic clock, end stamped before start); it
//     must stay visible, but a -2^63 must not wreck the mean or the percentiles.
// Both counters are bookkeeping only: they are not carried by for_each_bucket (the clamped
// values are).
//
// Statistics and exactness:
//   - max() is the exact largest recorded value (after clamping), and value_at_percentile() never
//     reports more than it, so p100 is the true worst case and percentiles are monotonic in p;
//   - min() is the lowest value equivalent to the smallest recorded value's bucket (exact below
//     2048, at most 0.1% low above). Reporting the bucket's edge rather than the exact minimum is
//     what lets a histogram rebuilt from for_each_bucket() give identical results;
//   - mean() and stddev() are computed from the buckets (each count at its bucket's midpoint), as
//     HdrHistogram does: within 0.05% of exact, and nothing extra to accumulate in record().
//
// Not thread-safe: give each recording thread its own histogram and merge() them afterwards.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <vector>

namespace swlab {

class HdrHistogram {
 public:
  static constexpr int kSubBucketBits = 11;                          // 2048 sub-buckets
  static constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketBits;
  static constexpr int64_t kSubBucketHalfCount = kSubBucketCount / 2;
  static constexpr int kValueBits = 36;                              // values < 2^36
  static constexpr int64_t kHighestTrackableValue = (int64_t{1} << kValueBits) - 1;
  // Bucket 0 holds [0, 2048) at unit resolution; bucket b >= 1 holds [2^(10+b), 2^(11+b)).
  static constexpr int kBucketCount = kValueBits - kSubBucketBits + 1;   // 26
  // Bucket 0 needs all 2048 slots; every higher bucket only its upper 1024, because its lower
  // half would duplicate the range of the bucket below at half the resolution.
  static constexpr std::size_t kCountsLength =
      static_cast<std::size_t>((kBucketCount + 1) * kSubBucketHalfCount);   // 27,648

  HdrHistogram();  // 1 ns .. 2^36 - 1 ns (>= 60 s), 3 significant digits

  // Copyable but deliberately not movable (a move is a copy): a moved-from histogram without
  // storage would turn record() into an out-of-bounds write, and record() has no room for a check.
  HdrHistogram(const HdrHistogram&) = default;
  HdrHistogram& operator=(const HdrHistogram&) = default;

  void record(int64_t value) noexcept;
  // Adds `count` occurrences of `value`; a count <= 0 records nothing.
  void record_n(int64_t value, int64_t count) noexcept;
  // Adds all of `other`'s counts and counters. The configuration is fixed, so always compatible;
  // merging a histogram into itself doubles it.
  void merge(const HdrHistogram& other) noexcept;
  void reset() noexcept;

  int64_t count() const { return total_; }
  int64_t min() const;  // 0 when empty; see "Statistics and exactness" above
  int64_t max() const { return max_; }  // 0 when empty
  double mean() const;    // 0 when empty
  double stddev() const;  // population standard deviation; 0 when empty
  // HdrHistogram semantics: the highest value equivalent to the first bucket whose cumulative
  // count reaches ceil(p/100 * count()) (at least 1), capped at max(). p <= 0 (or NaN) gives
  // min(), p >= 100 gives max(). 0 when empty.
  int64_t value_at_percentile(double percentile) const;
  int64_t saturated_count() const { return saturated_; }  // values above kHighestTrackableValue
  int64_t negative_count() const { return negative_; }    // values below 0
  int64_t count_at_value(int64_t value) const;  // the count of value's bucket (clamped like record)

  // Non-empty buckets in ascending order as f(int64_t value, int64_t count), where value is the
  // bucket's highest equivalent value capped at max() (so the top bucket carries the exact max).
  // Every reported value lies in its own bucket, so record_n(value, count) over all of them
  // rebuilds a histogram with identical buckets, min, max and percentiles.
  template <class F>
  void for_each_bucket(F&& f) const;

  // HdrHistogram's .hgrm percentile distribution (outputPercentileDistribution with 5 ticks per
  // half distance): values divided by value_scale (1000.0: ns -> us; a scale that is not > 0 is
  // taken as 1.0), percentiles as fractions. A row's value is value_at_percentile() of its
  // percentile (HdrHistogram prints the bucket's top for the 0% row; we print min(), which agrees
  // within 0.1%). Locale-independent.
  void write_hgrm(std::ostream& out, double value_scale = 1000.0) const;

  // Bucket arithmetic, exposed for tests and tools.
  static std::size_t index_of(int64_t value) noexcept;  // value in [0, kHighestTrackableValue]
  static int64_t lowest_equivalent_value(int64_t value) noexcept;
  static int64_t highest_equivalent_value(int64_t value) noexcept;

 private:
  static int64_t lowest_value_at_index(std::size_t index) noexcept;
  static int64_t highest_value_at_index(std::size_t index) noexcept;
  static int64_t midpoint_at_index(std::size_t index) noexcept;
  int64_t reported_value_at_index(std::size_t index) const noexcept;
  static int64_t clamp_value(int64_t value) noexcept;

  std::vector<int64_t> counts_;
  int64_t total_ = 0;
  int64_t min_ = INT64_MAX;  // exact, clamped; INT64_MAX when empty
  int64_t max_ = 0;          // exact, clamped
  int64_t saturated_ = 0;
  int64_t negative_ = 0;
};

// One row of a .hgrm text: value (scaled, as printed), percentile as a fraction, cumulative count.
struct HgrmRow {
  double value;
  double percentile;
  int64_t total_count;
};
// Parses a .hgrm text as written by write_hgrm() or HdrHistogram: the header line, rows and the
// footer's "Total count". Returns false on malformed input (missing header or total count, a row
// that is not 3 or 4 numbers, a percentile outside [0, 1], a row after the footer).
bool parse_hgrm(std::istream& in, std::vector<HgrmRow>* rows, int64_t* total_count);

// ---- hot path, inline ----

// Why this index is right: let b = bit_width(v | 2047) - 11, the number of low bits that do not
// fit into 11 bits (0 for v < 2048). Then v >> b is v's top 11 significant bits: for b = 0 it is
// v itself (0..2047), for b >= 1 the leading one bit is bit 10, so it lies in [1024, 2048). Bucket
// b's slots therefore start at b * 1024 + 1024 = (b + 1) << 10, directly after bucket b - 1's
// last slot (b << 10) + 2047: one formula, no branch, dense array, no gaps.
inline std::size_t HdrHistogram::index_of(int64_t value) noexcept {
  const auto v = static_cast<uint64_t>(value);
  constexpr auto kLowBits = static_cast<uint64_t>(kSubBucketCount - 1);
  const int b = static_cast<int>(std::bit_width(v | kLowBits)) - kSubBucketBits;
  return (static_cast<std::size_t>(b) << (kSubBucketBits - 1)) + static_cast<std::size_t>(v >> b);
}

inline int64_t HdrHistogram::clamp_value(int64_t value) noexcept {
  // Two selects, not if/else: compilers turn them into cmov or (GCC 12, for the upper side) a
  // never-taken branch, so real data never pays for a misprediction here.
  const int64_t low = value < 0 ? 0 : value;
  return low > kHighestTrackableValue ? kHighestTrackableValue : low;
}

inline void HdrHistogram::record(int64_t value) noexcept {
  const int64_t v = clamp_value(value);
  // Adding the comparison results keeps the rare cases off the branch predictor.
  saturated_ += static_cast<int64_t>(value > kHighestTrackableValue);
  negative_ += static_cast<int64_t>(value < 0);
  ++counts_[index_of(v)];
  ++total_;
  min_ = v < min_ ? v : min_;
  max_ = v > max_ ? v : max_;
}

inline int64_t HdrHistogram::lowest_value_at_index(std::size_t index) noexcept {
  // Inverse of index_of: slots [0, 2048) are bucket 0; slot i >= 2048 is bucket (i >> 10) - 1.
  const int top = static_cast<int>(index >> (kSubBucketBits - 1));
  const int b = top > 1 ? top - 1 : 0;
  const auto sub = static_cast<int64_t>(index - (static_cast<std::size_t>(b) << (kSubBucketBits - 1)));
  return sub << b;
}

inline int64_t HdrHistogram::highest_value_at_index(std::size_t index) noexcept {
  const int top = static_cast<int>(index >> (kSubBucketBits - 1));
  const int b = top > 1 ? top - 1 : 0;
  const auto sub = static_cast<int64_t>(index - (static_cast<std::size_t>(b) << (kSubBucketBits - 1)));
  return ((sub + 1) << b) - 1;
}

inline int64_t HdrHistogram::reported_value_at_index(std::size_t index) const noexcept {
  const int64_t top = highest_value_at_index(index);
  return top < max_ ? top : max_;
}

template <class F>
void HdrHistogram::for_each_bucket(F&& f) const {
  if (total_ == 0) return;
  const std::size_t last = index_of(max_);
  for (std::size_t i = index_of(min_); i <= last; ++i) {
    if (counts_[i] != 0) f(reported_value_at_index(i), counts_[i]);
  }
}

}  // namespace swlab
