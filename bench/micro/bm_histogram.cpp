// Micro-benchmarks for swlab::HdrHistogram. Each record benchmark does one record() per
// iteration, so the time column is nanoseconds per record. Values come from a pre-generated
// array (a power of two long, indexed with a mask) so the RNG is not measured; the array is
// small enough for L1 and the counts array (216 KiB) for L2, which is the situation of a
// latency probe that records every few microseconds. The baselines beside them are the floor
// (an array store) and the exact alternative (nth_element on the raw samples).
#include "measure/hdr_histogram.h"
#include "measure/interval_histogram.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace {

using swlab::HdrHistogram;

constexpr std::size_t kValues = 4096;  // power of two: the index wraps with a mask

// Log-uniform between 100 ns and 10 ms: the spread of real request latencies, touching about
// 17 buckets x 1024 slots, so the counter updates are scattered, not one hot cache line.
std::vector<int64_t> latency_like_values(std::size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(std::log(100.0), std::log(1e7));
  std::vector<int64_t> v(n);
  for (auto& x : v) x = std::llround(std::exp(exponent(rng)));
  return v;
}

HdrHistogram filled_histogram(std::size_t n, uint64_t seed) {
  HdrHistogram h;
  for (int64_t v : latency_like_values(n, seed)) h.record(v);
  return h;
}

// One HdrHistogram::record per iteration, of the values next() returns in turn.
template <class Next>
void record_each_iteration(benchmark::State& state, Next next) {
  HdrHistogram h;
  for (auto _ : state) {
    h.record(next());
    // Keeps the compiler from batching or sinking the counter updates out of the loop.
    benchmark::ClobberMemory();
  }
  int64_t recorded = h.count();
  benchmark::DoNotOptimize(recorded);
  state.SetItemsProcessed(state.iterations());
}

void BM_HdrRecord(benchmark::State& state) {
  const std::vector<int64_t> values = latency_like_values(kValues, 1);
  std::size_t i = 0;
  record_each_iteration(state, [&] { return values[i++ & (kValues - 1)]; });
}
BENCHMARK(BM_HdrRecord);

// The load generator records each latency three times: the run's HDR histogram above,
// and two of these (per command type, per interval of the time series). Their cost is
// inside every closed-loop latency (docs/methodology.md, the generator's cost).
void BM_IntervalRecord(benchmark::State& state) {
  const std::vector<int64_t> values = latency_like_values(kValues, 1);
  swlab::IntervalHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & (kValues - 1)]);
    benchmark::ClobberMemory();
  }
  uint64_t recorded = h.count();
  benchmark::DoNotOptimize(recorded);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IntervalRecord);

void BM_HdrRecordSequentialSmall(benchmark::State& state) {
  int64_t v = 0;
  record_each_iteration(state, [&] {
    const int64_t value = v;
    v = (v + 1) & 2047;  // bucket 0 only: one slot per value, walked in order
    return value;
  });
}
BENCHMARK(BM_HdrRecordSequentialSmall);

// Baseline: the cheapest possible "record", storing the raw sample.
void BM_HdrRecordBaselineArrayStore(benchmark::State& state) {
  const std::vector<int64_t> values = latency_like_values(kValues, 1);
  std::vector<int64_t> samples(kValues);
  std::size_t i = 0;
  for (auto _ : state) {
    samples[i & (kValues - 1)] = values[i & (kValues - 1)];
    ++i;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(samples.data());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HdrRecordBaselineArrayStore);

// Argument: the percentile in hundredths of a percent. The cost is a scan of the occupied slots
// up to the answer, so it grows with the percentile.
void BM_HdrValueAtPercentile(benchmark::State& state) {
  const HdrHistogram h = filled_histogram(1'000'000, 2);
  const double p = static_cast<double>(state.range(0)) / 100.0;
  for (auto _ : state) {
    int64_t v = h.value_at_percentile(p);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_HdrValueAtPercentile)->Arg(5000)->Arg(9900)->Arg(9999);

// Baseline: the exact answer from the raw samples (what the histogram replaces).
void BM_HdrValueAtPercentileBaselineNthElement(benchmark::State& state) {
  const std::vector<int64_t> samples = latency_like_values(1'000'000, 2);
  std::vector<int64_t> scratch(samples.size());
  for (auto _ : state) {
    std::copy(samples.begin(), samples.end(), scratch.begin());
    const auto k = static_cast<std::ptrdiff_t>(scratch.size() * 99 / 100);
    std::nth_element(scratch.begin(), scratch.begin() + k, scratch.end());
    benchmark::DoNotOptimize(scratch[static_cast<std::size_t>(k)]);
  }
}
BENCHMARK(BM_HdrValueAtPercentileBaselineNthElement)->Unit(benchmark::kMicrosecond);

// Merging per-thread histograms at the end of a run: one pass over the other's occupied slots.
void BM_HdrMerge(benchmark::State& state) {
  const HdrHistogram source = filled_histogram(100'000, 3);
  HdrHistogram target = filled_histogram(100'000, 4);
  for (auto _ : state) {
    target.merge(source);
    benchmark::ClobberMemory();
  }
  int64_t merged = target.count();
  benchmark::DoNotOptimize(merged);
}
BENCHMARK(BM_HdrMerge)->Unit(benchmark::kMicrosecond);

}  // namespace
