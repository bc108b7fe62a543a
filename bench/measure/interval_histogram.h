// A small latency distribution: one time-series interval's (docs/methodology.md,
// "Latency over time"), and each command type's (results' by_type). A run keeps one
// of these per client per interval and per command type, so it must be small (a
// client's HdrHistogram is 216 KiB; with 4096 clients eleven of those each were 10 GB): log-linear like HdrHistogram but with 32 linear sub-buckets per power of
// two (every value within 1/32 of its bucket's low edge; reported at the bucket's
// midpoint, so within 1.6%), 32-bit counts, 5 KiB. The exact maximum is kept apart.
// Not thread-safe: one per recording thread, merged afterwards.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace swlab {

class IntervalHistogram {
 public:
  static constexpr int kSubBits = 5;                     // 32 sub-buckets per octave
  static constexpr int kValueBits = 40;                  // values below 2^40 ns (18 min)
  static constexpr int kSlots = (kValueBits - kSubBits + 1) << kSubBits;  // 1152

  void record(int64_t v) noexcept {
    if (v < 0) v = 0;
    counts_[index(v)] += 1;
    ++total_;
    sum_ += v;
    max_ = std::max(max_, v);
  }

  void merge(const IntervalHistogram& o) noexcept {
    for (int i = 0; i < kSlots; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    sum_ += o.sum_;
    max_ = std::max(max_, o.max_);
  }

  uint64_t count() const { return total_; }
  int64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }

  // The value at percentile p (0..100], nearest rank: the midpoint of the bucket
  // holding the ceil(p/100 * count)-th value, never above the exact max; 0 when empty.
  int64_t value_at_percentile(double p) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total_) + 0.999999);
    rank = std::clamp<uint64_t>(rank, 1, total_);
    uint64_t seen = 0;
    for (int i = 0; i < kSlots; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(midpoint(i), max_);
    }
    return max_;
  }

  // Counts by power of two, for displays: [k] holds the values in [2^k, 2^(k+1))
  // ([0] also holds 0).
  std::array<uint64_t, kValueBits> octave_counts() const {
    std::array<uint64_t, kValueBits> out{};
    for (int i = 0; i < kSlots; ++i)
      if (counts_[i]) {
        const uint64_t mid = static_cast<uint64_t>(midpoint(i));
        out[static_cast<std::size_t>(mid ? 63 - std::countl_zero(mid) : 0)] += counts_[i];
      }
    return out;
  }

 private:
  // Values below 32 are exact (slot = value); above, the octave of the top bit and the
  // next kSubBits bits below it.
  static int index(int64_t v) {
    const uint64_t u = std::min<uint64_t>(static_cast<uint64_t>(v), (uint64_t{1} << kValueBits) - 1);
    if (u < (1u << kSubBits)) return static_cast<int>(u);
    const int top = 63 - std::countl_zero(u);        // >= kSubBits
    const int shift = top - kSubBits;                // bits dropped below the sub-bucket
    const int sub = static_cast<int>((u >> shift) & ((1u << kSubBits) - 1));
    return ((shift + 1) << kSubBits) + sub;
  }
  static int64_t midpoint(int slot) {
    const int octave = slot >> kSubBits;
    const int64_t sub = slot & ((1 << kSubBits) - 1);
    if (octave == 0) return sub;
    const int shift = octave - 1;
    const int64_t low = ((int64_t{1} << kSubBits) + sub) << shift;
    return low + ((int64_t{1} << shift) >> 1);
  }

  std::array<uint32_t, kSlots> counts_{};
  uint64_t total_ = 0;
  int64_t sum_ = 0;  // exact: 2^63 ns is 292 years of latency
  int64_t max_ = 0;
};

}  // namespace swlab
