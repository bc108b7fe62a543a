// Tests for swlab::HdrHistogram. The oracle is a plain sorted array: the exact percentile of N
// values is sorted[ceil(p/100 * N) - 1] (p = 0: the minimum), computed in integers from p in
// hundredths of a percent so that the oracle has no rounding of its own. Seeds are fixed.
#include "measure/hdr_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using swlab::HdrHistogram;
using swlab::HgrmRow;
using swlab::parse_hgrm;

constexpr int64_t kHighest = HdrHistogram::kHighestTrackableValue;

// Percentiles in hundredths of a percent: 0 (min), 1, 10, 50, 90, 99, 99.9, 99.99, 100.
constexpr int64_t kPercentilesX100[] = {0, 100, 1000, 5000, 9000, 9900, 9990, 9999, 10000};

int64_t exact_percentile(const std::vector<int64_t>& sorted, int64_t p_x100) {
  if (p_x100 == 0) return sorted.front();
  const auto n = static_cast<int64_t>(sorted.size());
  const int64_t rank = std::max<int64_t>(1, (p_x100 * n + 9999) / 10000);  // ceil(p/100 * n)
  return sorted[static_cast<std::size_t>(rank - 1)];
}

std::vector<std::pair<int64_t, int64_t>> buckets_of(const HdrHistogram& h) {
  std::vector<std::pair<int64_t, int64_t>> out;
  h.for_each_bucket([&](int64_t value, int64_t count) { out.emplace_back(value, count); });
  return out;
}

HdrHistogram histogram_of(const std::vector<int64_t>& values) {
  HdrHistogram h;
  for (int64_t v : values) h.record(v);
  return h;
}

// A dense grid of percentiles, tail included, for comparing two histograms.
std::vector<double> percentile_grid() {
  std::vector<double> grid;
  for (int i = 0; i <= 200; ++i) grid.push_back(i * 0.5);
  for (double p : {99.9, 99.95, 99.99, 99.999, 99.9999, 0.001, 33.333}) grid.push_back(p);
  return grid;
}

// Everything observable must agree, bucket by bucket.
void expect_same_histogram(const HdrHistogram& a, const HdrHistogram& b) {
  EXPECT_EQ(buckets_of(a), buckets_of(b));
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.mean(), b.mean());  // same counts summed in the same order: bitwise equal
  EXPECT_EQ(a.stddev(), b.stddev());
  for (double p : percentile_grid()) {
    EXPECT_EQ(a.value_at_percentile(p), b.value_at_percentile(p)) << "p=" << p;
  }
}

// Checks the nine percentiles against the sorted-array oracle, within 0.1% relative.
void expect_accurate(const std::vector<int64_t>& values, const char* what) {
  SCOPED_TRACE(what);
  ASSERT_FALSE(values.empty());
  const HdrHistogram h = histogram_of(values);
  std::vector<int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(h.count(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(h.max(), sorted.back());  // the maximum is exact
  int64_t previous = std::numeric_limits<int64_t>::min();
  for (int64_t p_x100 : kPercentilesX100) {
    const double p = static_cast<double>(p_x100) / 100.0;
    const int64_t got = h.value_at_percentile(p);
    const int64_t want = exact_percentile(sorted, p_x100);
    EXPECT_LE(std::abs(static_cast<double>(got - want)), 0.001 * static_cast<double>(want))
        << "p=" << p << " got " << got << " want " << want;
    EXPECT_GE(got, previous) << "percentiles must not decrease, p=" << p;
    previous = got;
  }
  EXPECT_EQ(h.value_at_percentile(0.0), h.min());
  EXPECT_EQ(h.value_at_percentile(100.0), sorted.back());
}

// The lowest value of every slot, derived from the layout (bucket 0: 0..2047 one value each;
// bucket b >= 1: 1024 slots of width 2^b starting at 2^(10+b)), independently of the class.
std::vector<int64_t> slot_starts() {
  std::vector<int64_t> starts;
  for (int64_t v = 0; v < 2048; ++v) starts.push_back(v);
  for (int b = 1; b < HdrHistogram::kBucketCount; ++b) {
    for (int64_t sub = 1024; sub < 2048; ++sub) starts.push_back(sub << b);
  }
  return starts;
}

std::vector<int64_t> log_uniform(std::mt19937_64& rng, std::size_t n, double lo, double hi) {
  std::uniform_real_distribution<double> exponent(std::log(lo), std::log(hi));
  std::vector<int64_t> v(n);
  for (auto& x : v) x = std::llround(std::exp(exponent(rng)));
  return v;
}

std::vector<int64_t> pareto(std::mt19937_64& rng, std::size_t n) {
  // x_m = 100 ns, alpha = 1.1: infinite variance, the shape of GC pauses and page faults.
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<int64_t> v(n);
  for (auto& x : v) {
    const double draw = 100.0 / std::pow(1.0 - u(rng), 1.0 / 1.1);
    x = static_cast<int64_t>(std::min(draw, 1e10));
  }
  return v;
}

std::vector<int64_t> lognormal(std::mt19937_64& rng, std::size_t n) {
  std::lognormal_distribution<double> d(std::log(20000.0), 2.0);  // median 20 us, wide
  std::vector<int64_t> v(n);
  for (auto& x : v) x = std::llround(std::clamp(d(rng), 100.0, 1e10));
  return v;
}

// Population mean and standard deviation, two-pass in long double.
std::pair<double, double> exact_mean_and_stddev(const std::vector<int64_t>& values) {
  const auto n = static_cast<long double>(values.size());
  long double sum = 0;
  for (int64_t v : values) sum += static_cast<long double>(v);
  const long double mean = sum / n;
  long double sq = 0;
  for (int64_t v : values) {
    const long double d = static_cast<long double>(v) - mean;
    sq += d * d;
  }
  return {static_cast<double>(mean), std::sqrt(static_cast<double>(sq / n))};
}

// ---------------------------------------------------------------------------------------------

TEST(HdrHistogramLayout, SlotsTileTheRangeWithBoundedWidth) {
  const std::vector<int64_t> starts = slot_starts();
  ASSERT_EQ(starts.size(), HdrHistogram::kCountsLength);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const int64_t lo = starts[i];
    const int64_t hi = i + 1 < starts.size() ? starts[i + 1] - 1 : kHighest;
    ASSERT_EQ(HdrHistogram::index_of(lo), i) << lo;
    ASSERT_EQ(HdrHistogram::index_of(hi), i) << hi;
    ASSERT_EQ(HdrHistogram::lowest_equivalent_value(hi), lo);
    ASSERT_EQ(HdrHistogram::highest_equivalent_value(lo), hi);
    if (lo < 2048) {
      ASSERT_EQ(lo, hi) << "values below 2048 are exact";
    } else {
      ASSERT_LE(hi - lo + 1, lo / 1024) << "slot width must stay within 1/1024 of the value";
    }
  }
  EXPECT_EQ(HdrHistogram::index_of(kHighest), HdrHistogram::kCountsLength - 1);
  EXPECT_GE(kHighest, int64_t{60'000'000'000});
}

TEST(HdrHistogramAccuracy, UniformOverSeveralDecades) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int64_t> linear(1, 1'000'000'000);
  std::vector<int64_t> values(100'000);
  for (auto& v : values) v = linear(rng);
  expect_accurate(values, "uniform 1 ns .. 1 s");
  expect_accurate(log_uniform(rng, 100'000, 1.0, 6e10), "log-uniform 1 ns .. 60 s");
  std::uniform_int_distribution<int64_t> small(1, 5000);
  for (auto& v : values) v = small(rng);
  expect_accurate(values, "uniform 1 .. 5000 ns (straddles the exact range)");
}

TEST(HdrHistogramAccuracy, HeavyTailed) {
  std::mt19937_64 rng(2);
  expect_accurate(pareto(rng, 100'000), "pareto");
  expect_accurate(lognormal(rng, 100'000), "lognormal");
}

TEST(HdrHistogramAccuracy, AllIdenticalValues) {
  for (int64_t v : {int64_t{1}, int64_t{2047}, int64_t{2049}, int64_t{123'456'789}, kHighest}) {
    const std::vector<int64_t> values(10'000, v);
    expect_accurate(values, "identical");
    const HdrHistogram h = histogram_of(values);
    // Capping at the exact max makes every percentile above 0 exact, not just close.
    EXPECT_EQ(h.value_at_percentile(50.0), v);
    EXPECT_EQ(h.value_at_percentile(99.99), v);
    EXPECT_EQ(h.min(), HdrHistogram::lowest_equivalent_value(v));
  }
}

TEST(HdrHistogramAccuracy, PowerOfTwoBoundaries) {
  std::vector<int64_t> values;
  for (int k = 0; k < 36; ++k) {
    const int64_t p = int64_t{1} << k;
    values.push_back(p);
    if (p > 1) values.push_back(p - 1);
    values.push_back(p + 1);
    if (k >= 11) {
      // 2^k opens a bucket, 2^k - 1 closes the one below: both are their slot's edges.
      EXPECT_EQ(HdrHistogram::lowest_equivalent_value(p), p);
      EXPECT_EQ(HdrHistogram::highest_equivalent_value(p - 1), p - 1);
      EXPECT_EQ(HdrHistogram::index_of(p), HdrHistogram::index_of(p - 1) + 1);
    }
  }
  values.push_back(kHighest);
  expect_accurate(values, "powers of two, minus and plus one");
  std::mt19937_64 rng(3);
  std::shuffle(values.begin(), values.end(), rng);
  const HdrHistogram h = histogram_of(values);
  EXPECT_EQ(h.count(), static_cast<int64_t>(values.size()));
  EXPECT_EQ(h.saturated_count(), 0);
  EXPECT_EQ(h.max(), kHighest);
}

TEST(HdrHistogramAccuracy, BimodalOneNanosecondAndFiftySeconds) {
  std::vector<int64_t> values(99'000, 1);
  values.insert(values.end(), 1'000, 50'000'000'000);
  std::mt19937_64 rng(4);
  std::shuffle(values.begin(), values.end(), rng);
  expect_accurate(values, "bimodal");
  const HdrHistogram h = histogram_of(values);
  EXPECT_EQ(h.value_at_percentile(99.0), 1);
  EXPECT_EQ(h.value_at_percentile(99.001), 50'000'000'000);
  EXPECT_EQ(h.max(), 50'000'000'000);
  EXPECT_EQ(h.min(), 1);
}

TEST(HdrHistogramAccuracy, OneAndTwoElements) {
  expect_accurate({123'456'789}, "one element");
  expect_accurate({1'000, 5'000'000}, "two elements");
  expect_accurate({5'000'000, 5'000'001}, "two elements, one bucket");

  HdrHistogram one;
  one.record(123'456'789);
  EXPECT_EQ(one.value_at_percentile(1.0), 123'456'789);
  EXPECT_EQ(one.value_at_percentile(100.0), 123'456'789);
  EXPECT_EQ(one.min(), HdrHistogram::lowest_equivalent_value(123'456'789));
  EXPECT_LT(one.min(), 123'456'789);  // a bucket edge, within 0.1%

  HdrHistogram two;
  two.record(5'000'000);
  two.record(1'000);
  EXPECT_EQ(two.value_at_percentile(50.0), 1'000);      // rank ceil(1.0) = 1
  EXPECT_EQ(two.value_at_percentile(50.001), 5'000'000);  // rank 2
  EXPECT_EQ(two.value_at_percentile(0.0), 1'000);
}

TEST(HdrHistogramAccuracy, DecimalPercentilesHitExactRanks) {
  // 99.9 is stored a hair above 99.9; rank 999 of 1000 must not become 1000.
  std::vector<int64_t> values;
  for (int64_t i = 1; i <= 1000; ++i) values.push_back(i);
  const HdrHistogram h = histogram_of(values);
  EXPECT_EQ(h.value_at_percentile(99.9), 999);
  EXPECT_EQ(h.value_at_percentile(0.1), 1);
  EXPECT_EQ(h.value_at_percentile(10.0), 100);
  EXPECT_EQ(h.value_at_percentile(10.01), 101);
}

TEST(HdrHistogramMerge, EqualsRecordingIntoOne) {
  std::mt19937_64 rng(5);
  std::vector<int64_t> a = log_uniform(rng, 50'000, 1.0, 1e9);
  std::vector<int64_t> b = pareto(rng, 50'000);
  a.push_back(kHighest + 10);  // saturated, on both sides
  b.push_back(kHighest + 20);
  b.push_back(-7);             // negative, only in the merged-in side
  b.push_back(0);
  HdrHistogram ha = histogram_of(a);
  const HdrHistogram hb = histogram_of(b);
  HdrHistogram all;
  for (int64_t v : a) all.record(v);
  for (int64_t v : b) all.record(v);

  ha.merge(hb);
  expect_same_histogram(ha, all);
  EXPECT_EQ(ha.saturated_count(), all.saturated_count());
  EXPECT_EQ(ha.negative_count(), all.negative_count());
  EXPECT_EQ(ha.saturated_count(), 2);
  EXPECT_EQ(ha.negative_count(), 1);
  EXPECT_EQ(ha.count(), static_cast<int64_t>(a.size() + b.size()));
}

TEST(HdrHistogramMerge, EmptyOnEitherSide) {
  std::mt19937_64 rng(6);
  const HdrHistogram data = histogram_of(lognormal(rng, 10'000));

  HdrHistogram target = data;
  target.merge(HdrHistogram{});
  expect_same_histogram(target, data);

  HdrHistogram empty;
  empty.merge(data);
  expect_same_histogram(empty, data);

  HdrHistogram both;
  both.merge(HdrHistogram{});
  EXPECT_EQ(both.count(), 0);
  EXPECT_EQ(both.min(), 0);
  EXPECT_EQ(both.max(), 0);
  EXPECT_TRUE(buckets_of(both).empty());
}

TEST(HdrHistogramMerge, IntoItselfDoubles) {
  HdrHistogram h;
  h.record(10);
  h.record(3'000'000);
  h.merge(h);
  EXPECT_EQ(h.count(), 4);
  EXPECT_EQ(h.count_at_value(10), 2);
  EXPECT_EQ(h.count_at_value(3'000'000), 2);
}

TEST(HdrHistogramRange, ValueOne) {
  HdrHistogram h;
  h.record(1);
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.count_at_value(1), 1);
  EXPECT_EQ(h.count_at_value(0), 0);
  EXPECT_EQ(h.count_at_value(2), 0);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 1);
  EXPECT_EQ(h.value_at_percentile(50.0), 1);
}

TEST(HdrHistogramRange, HighestTrackableValue) {
  HdrHistogram h;
  h.record(kHighest);
  EXPECT_EQ(h.saturated_count(), 0);
  EXPECT_EQ(h.max(), kHighest);
  EXPECT_EQ(h.value_at_percentile(50.0), kHighest);
  EXPECT_EQ(h.value_at_percentile(100.0), kHighest);
  EXPECT_EQ(h.count_at_value(kHighest), 1);
}

TEST(HdrHistogramRange, AboveHighestIsClampedAndCounted) {
  HdrHistogram h;
  h.record(kHighest + 1);
  h.record(std::numeric_limits<int64_t>::max());
  h.record(60'000'000'000);  // 60 s is inside the range
  h.record_n(kHighest * 2, 3);
  EXPECT_EQ(h.saturated_count(), 5);
  EXPECT_EQ(h.count(), 6);
  EXPECT_EQ(h.max(), kHighest);
  EXPECT_EQ(h.count_at_value(kHighest), 5);
  EXPECT_EQ(h.value_at_percentile(100.0), kHighest);
  EXPECT_EQ(h.value_at_percentile(1.0), HdrHistogram::highest_equivalent_value(60'000'000'000));
  EXPECT_EQ(h.negative_count(), 0);
}

TEST(HdrHistogramRange, ZeroIsRecordedExactly) {
  HdrHistogram h;
  h.record(0);
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.count_at_value(0), 1);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.value_at_percentile(50.0), 0);
  EXPECT_EQ(h.negative_count(), 0);
  h.record(5);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.value_at_percentile(50.0), 0);
  EXPECT_EQ(h.value_at_percentile(51.0), 5);
}

TEST(HdrHistogramRange, NegativeIsRecordedAsZeroAndCounted) {
  HdrHistogram h;
  h.record(-1);
  h.record(std::numeric_limits<int64_t>::min());
  h.record_n(-5, 2);
  h.record(5);
  EXPECT_EQ(h.negative_count(), 4);
  EXPECT_EQ(h.count(), 5);
  EXPECT_EQ(h.count_at_value(0), 4);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 5);
  EXPECT_EQ(h.saturated_count(), 0);
  EXPECT_EQ(h.value_at_percentile(80.0), 0);
  EXPECT_EQ(h.value_at_percentile(100.0), 5);
}

TEST(HdrHistogramRecord, RecordNEqualsNRecords) {
  const std::pair<int64_t, int64_t> cases[] = {
      {0, 3}, {1, 1}, {2047, 5}, {2048, 2}, {123'456'789, 1000}, {kHighest, 2}, {kHighest + 5, 4}, {-9, 6}};
  HdrHistogram batched;
  HdrHistogram single;
  for (auto [value, n] : cases) {
    batched.record_n(value, n);
    for (int64_t i = 0; i < n; ++i) single.record(value);
  }
  expect_same_histogram(batched, single);
  EXPECT_EQ(batched.saturated_count(), single.saturated_count());
  EXPECT_EQ(batched.negative_count(), single.negative_count());
  EXPECT_EQ(batched.saturated_count(), 4);
  EXPECT_EQ(batched.negative_count(), 6);
}

TEST(HdrHistogramRecord, RecordNIgnoresNonPositiveCounts) {
  HdrHistogram h;
  h.record(10);
  h.record_n(500, 0);
  h.record_n(1'000'000, -3);
  EXPECT_EQ(h.count(), 1);
  EXPECT_EQ(h.max(), 10);
  EXPECT_EQ(h.count_at_value(500), 0);
}

TEST(HdrHistogramRecord, ResetEmpties) {
  HdrHistogram h;
  h.record(0);
  h.record(kHighest + 1);
  h.record(-3);
  for (int64_t v = 1; v < 100'000'000; v = v * 3 + 1) h.record(v);
  h.reset();
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stddev(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50.0), 0);
  EXPECT_EQ(h.saturated_count(), 0);
  EXPECT_EQ(h.negative_count(), 0);
  EXPECT_TRUE(buckets_of(h).empty());
  for (int64_t start : slot_starts()) ASSERT_EQ(h.count_at_value(start), 0) << start;

  h.record(7);  // the min/max sentinels must be back too
  EXPECT_EQ(h.min(), 7);
  EXPECT_EQ(h.max(), 7);
  EXPECT_EQ(h.count(), 1);
}

TEST(HdrHistogramStats, MeanAndStddevExactBelow2048) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> d(0, 2047);
  std::vector<int64_t> values(50'000);
  for (auto& v : values) v = d(rng);
  const HdrHistogram h = histogram_of(values);
  const auto [mean, sd] = exact_mean_and_stddev(values);
  EXPECT_NEAR(h.mean(), mean, 1e-9);
  EXPECT_NEAR(h.stddev(), sd, 1e-9);
}

TEST(HdrHistogramStats, MeanAndStddevCloseOnKnownDistributions) {
  std::mt19937_64 rng(8);
  std::uniform_int_distribution<int64_t> d(10'000, 100'000'000);
  std::vector<int64_t> uniform(100'000);
  for (auto& v : uniform) v = d(rng);
  for (const auto& values : {uniform, lognormal(rng, 100'000)}) {
    const HdrHistogram h = histogram_of(values);
    const auto [mean, sd] = exact_mean_and_stddev(values);
    // Each value sits within half a bucket (< 0.05%) of its bucket's midpoint, and on a smooth
    // distribution those errors cancel: 0.01% still catches a bias such as counting every value
    // at its bucket's lower edge (about -0.035%).
    EXPECT_NEAR(h.mean(), mean, 1e-4 * mean);
    EXPECT_NEAR(h.stddev(), sd, 1e-4 * sd);
  }
  // Uniform 10 us .. 100 ms: mean 50.005 ms, stddev (b - a) / sqrt(12) = 28.865 ms.
  const HdrHistogram h = histogram_of(uniform);
  EXPECT_NEAR(h.mean(), 50.005e6, 0.01 * 50.005e6);
  EXPECT_NEAR(h.stddev(), 28.865e6, 0.01 * 28.865e6);
}

TEST(HdrHistogramStats, MeanCountsEachValueAtItsBucketMidpoint) {
  HdrHistogram h;
  h.record(4096);  // bucket [4096, 4099]: HdrHistogram's "median equivalent" is 4096 + 4/2
  EXPECT_EQ(h.mean(), 4098.0);
  EXPECT_EQ(h.stddev(), 0.0);
  h.record(4103);  // bucket [4100, 4103], midpoint 4102
  EXPECT_EQ(h.mean(), 4100.0);
  EXPECT_EQ(h.stddev(), 2.0);
}

TEST(HdrHistogramRoundTrip, ForEachBucketRebuildsAnIdenticalHistogram) {
  std::mt19937_64 rng(9);
  std::vector<int64_t> values = pareto(rng, 50'000);
  const std::vector<int64_t> more = lognormal(rng, 50'000);
  values.insert(values.end(), more.begin(), more.end());
  values.push_back(0);
  values.push_back(12'345'678'901);  // the max sits inside its bucket, not on its top edge
  const HdrHistogram original = histogram_of(values);
  ASSERT_NE(HdrHistogram::highest_equivalent_value(original.max()), original.max());

  HdrHistogram rebuilt;
  int64_t previous = -1;
  original.for_each_bucket([&](int64_t value, int64_t count) {
    EXPECT_GT(value, previous) << "buckets must come in ascending order";
    EXPECT_GT(count, 0);
    previous = value;
    rebuilt.record_n(value, count);
  });
  expect_same_histogram(rebuilt, original);
  EXPECT_EQ(rebuilt.max(), 12'345'678'901);
  EXPECT_EQ(rebuilt.value_at_percentile(100.0), 12'345'678'901);
}

// ---- .hgrm ----

std::string hgrm_of(const HdrHistogram& h, double scale) {
  std::ostringstream out;
  h.write_hgrm(out, scale);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(HdrHistogramHgrm, GoldenSmallDistribution) {
  HdrHistogram h;
  for (int64_t v = 1; v <= 4; ++v) h.record(v);
  // Worked by hand from HdrHistogram's rules: each bucket prints one row per tick its cumulative
  // share reaches; ticks 0..50 step 10, 50..75 step 5, then 2.5; the last bucket gets one tick row
  // and the 100% row.
  const std::string want =
      "       Value     Percentile TotalCount 1/(1-Percentile)\n"
      "\n"
      "       1.000 0.000000000000          1           1.00\n"
      "       1.000 0.100000000000          1           1.11\n"
      "       1.000 0.200000000000          1           1.25\n"
      "       2.000 0.300000000000          2           1.43\n"
      "       2.000 0.400000000000          2           1.67\n"
      "       2.000 0.500000000000          2           2.00\n"
      "       3.000 0.550000000000          3           2.22\n"
      "       3.000 0.600000000000          3           2.50\n"
      "       3.000 0.650000000000          3           2.86\n"
      "       3.000 0.700000000000          3           3.33\n"
      "       3.000 0.750000000000          3           4.00\n"
      "       4.000 0.775000000000          4           4.44\n"
      "       4.000 1.000000000000          4\n"
      "#[Mean    =        2.500, StdDeviation   =        1.118]\n"
      "#[Max     =        4.000, Total count    =            4]\n"
      "#[Buckets =           26, SubBuckets     =         2048]\n";
  EXPECT_EQ(hgrm_of(h, 1.0), want);
}

TEST(HdrHistogramHgrm, EmptyHistogramHasHeaderAndFooterOnly) {
  const std::string text = hgrm_of(HdrHistogram{}, 1000.0);
  EXPECT_EQ(text,
            "       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
            "#[Mean    =        0.000, StdDeviation   =        0.000]\n"
            "#[Max     =        0.000, Total count    =            0]\n"
            "#[Buckets =           26, SubBuckets     =         2048]\n");
  std::istringstream in(text);
  std::vector<HgrmRow> rows;
  int64_t total = -1;
  ASSERT_TRUE(parse_hgrm(in, &rows, &total));
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(total, 0);
}

TEST(HdrHistogramHgrm, TicksHalveTowardsOneHundredPercent) {
  std::vector<int64_t> values;
  for (int64_t v = 1; v <= 100'000; ++v) values.push_back(v);  // every row lands on its own tick
  const HdrHistogram h = histogram_of(values);
  std::istringstream in(hgrm_of(h, 1000.0));
  std::vector<HgrmRow> rows;
  int64_t total = 0;
  ASSERT_TRUE(parse_hgrm(in, &rows, &total));
  const double want[] = {0.0,   0.1,  0.2,   0.3,  0.4,   0.5,    0.55,  0.6,     0.65,  0.7,
                         0.75,  0.775, 0.8,  0.825, 0.85, 0.875,  0.8875, 0.9,   0.9125, 0.925};
  ASSERT_GT(rows.size(), std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) EXPECT_NEAR(rows[i].percentile, want[i], 1e-12) << i;
  // Five ticks per halving of the distance to 100%, until the last bucket (99,968..100,031 at this
  // magnitude, so 33 of the 100,000 values) is reached: 5 * log2(100,000 / 33) = 58 rows, give or
  // take the ends, and the final 100% row.
  EXPECT_GE(rows.size(), 56u);
  EXPECT_LE(rows.size(), 64u);
  EXPECT_EQ(rows[rows.size() - 2].total_count, 100'000);
  EXPECT_EQ(rows[rows.size() - 3].total_count, 100'000 - 33);
}

TEST(HdrHistogramHgrm, WrittenTextParsesBackConsistently) {
  std::mt19937_64 rng(10);
  std::vector<int64_t> values = lognormal(rng, 100'000);
  // A minimum of 4097 sits inside the bucket [4096, 4099], so the 0% row (min(), 4096) and the
  // first bucket's value (4099) differ and the test sees which one was printed.
  for (auto& v : values) v = std::max<int64_t>(v, 4097);
  values.push_back(kHighest + 1);  // one saturated value in the tail
  const HdrHistogram h = histogram_of(values);
  const double scale = 1000.0;
  const std::string text = hgrm_of(h, scale);

  const std::vector<std::string> lines = lines_of(text);
  ASSERT_GE(lines.size(), 6u);
  EXPECT_EQ(lines[0], "       Value     Percentile TotalCount 1/(1-Percentile)");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines.back(), "#[Buckets =           26, SubBuckets     =         2048]");

  std::istringstream in(text);
  std::vector<HgrmRow> rows;
  int64_t total = -1;
  ASSERT_TRUE(parse_hgrm(in, &rows, &total));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(total, h.count());
  EXPECT_EQ(rows.front().percentile, 0.0);
  EXPECT_EQ(std::llround(rows.front().value * scale), h.min());
  EXPECT_EQ(h.min(), 4096);
  EXPECT_EQ(rows.back().percentile, 1.0);
  EXPECT_EQ(rows.back().total_count, h.count());
  EXPECT_EQ(std::llround(rows.back().value * scale), h.max());

  // Every row but the last has the 1/(1-p) column.
  for (std::size_t i = 2; i < 2 + rows.size(); ++i) {
    std::istringstream fields(lines[i]);
    int n = 0;
    for (std::string f; fields >> f;) ++n;
    EXPECT_EQ(n, i + 1 == 2 + rows.size() ? 3 : 4) << lines[i];
  }

  const std::vector<std::pair<int64_t, int64_t>> buckets = buckets_of(h);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const HgrmRow& r = rows[i];
    if (i > 0) {
      EXPECT_GE(r.total_count, rows[i - 1].total_count);
      EXPECT_GE(r.value, rows[i - 1].value);
      EXPECT_GT(r.percentile, rows[i - 1].percentile);
    }
    // Values are whole nanoseconds, so 3 decimals of microseconds give them back exactly.
    const int64_t value = std::llround(r.value * scale);
    // The printed percentile has 12 decimals; where that rounding moves it across a rank
    // boundary the row may legitimately match either neighbour.
    const int64_t lo = h.value_at_percentile(std::max(0.0, r.percentile * 100.0 - 1e-7));
    const int64_t hi = h.value_at_percentile(std::min(100.0, r.percentile * 100.0 + 1e-7));
    EXPECT_TRUE(value == lo || value == hi) << "row " << i << " value " << value << " vs " << lo << "/" << hi;
    // TotalCount is the number of values in the row's bucket and below.
    int64_t below = 0;
    for (auto [v, c] : buckets) {
      if (HdrHistogram::index_of(v) <= HdrHistogram::index_of(value)) below += c;
    }
    EXPECT_EQ(r.total_count, below) << "row " << i;
    EXPECT_GE(static_cast<double>(r.total_count), r.percentile * static_cast<double>(h.count()) - 1e-6);
  }

  // Footer numbers agree with the histogram (printed in microseconds, 3 decimals).
  std::istringstream footer(lines[lines.size() - 3] + " " + lines[lines.size() - 2]);
  std::string mean_key, eq1, sd_key, eq2, max_key, eq3;
  double mean = 0, sd = 0, max = 0;
  char comma = 0;
  // "#[Mean    =   <mean>, StdDeviation   =   <sd>] #[Max     =   <max>, ..."
  footer >> mean_key >> eq1 >> mean >> comma >> sd_key >> eq2 >> sd >> comma >> max_key >> eq3 >> max;
  ASSERT_FALSE(footer.fail());
  EXPECT_EQ(mean_key + sd_key + max_key, "#[MeanStdDeviation#[Max");
  EXPECT_NEAR(mean, h.mean() / scale, 0.0006);
  EXPECT_NEAR(sd, h.stddev() / scale, 0.0006);
  EXPECT_NEAR(max, static_cast<double>(kHighest) / scale, 0.0006);
  EXPECT_NE(lines[lines.size() - 2].find("Total count    =       100001]"), std::string::npos)
      << lines[lines.size() - 2];
}

TEST(HdrHistogramHgrm, ParseRejectsMalformedText) {
  const std::string header = "       Value     Percentile TotalCount 1/(1-Percentile)\n\n";
  const std::string good_row = "       1.000 0.500000000000          1           2.00\n";
  const std::string last_row = "       2.000 1.000000000000          2\n";
  const std::string footer = "#[Max     =        2.000, Total count    =            2]\n";
  auto parses = [](const std::string& text) {
    std::istringstream in(text);
    std::vector<HgrmRow> rows;
    int64_t total = 0;
    return parse_hgrm(in, &rows, &total);
  };
  ASSERT_TRUE(parses(header + good_row + last_row + footer));  // the control

  EXPECT_FALSE(parses(""));
  EXPECT_FALSE(parses("hello world\n"));
  EXPECT_FALSE(parses(good_row + last_row + footer));                                // no header
  EXPECT_FALSE(parses(header + good_row + last_row));                                // no total count
  EXPECT_FALSE(parses(header + "       1.000 0.5\n" + footer));                      // two columns
  EXPECT_FALSE(parses(header + "  1.0 0.5 1 2.0 7\n" + footer));                     // five columns
  EXPECT_FALSE(parses(header + "       abc 0.500000000000          1  2.00\n" + footer));
  EXPECT_FALSE(parses(header + "      1.000x 0.500000000000          1  2.00\n" + footer));
  EXPECT_FALSE(parses(header + "       1.000 1.500000000000          1  2.00\n" + footer));  // p > 1
  EXPECT_FALSE(parses(header + "       1.000 0.500000000000        1.5  2.00\n" + footer));  // count
  EXPECT_FALSE(parses(header + "       1.000 0.500000000000          1  two\n" + footer));  // 1/(1-p)
  EXPECT_FALSE(parses(header + footer + good_row));                                  // row after footer
  EXPECT_FALSE(parses(header + good_row + "#[Max = 2.0, Total count = ]\n"));
  EXPECT_FALSE(parses(header + good_row + "#[Max = 2.0, Total count = -4]\n"));

  std::istringstream in(header + good_row + last_row + footer);
  std::vector<HgrmRow> rows;
  int64_t total = 0;
  ASSERT_TRUE(parse_hgrm(in, &rows, &total));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(total, 2);
  EXPECT_EQ(rows[0].value, 1.0);
  EXPECT_EQ(rows[0].percentile, 0.5);
  EXPECT_EQ(rows[1].total_count, 2);
}

}  // namespace
