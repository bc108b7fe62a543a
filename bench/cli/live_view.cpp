#include "cli/live_view.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>

#include "cli/units.h"

namespace swlab::cli {

namespace {

// Display columns of a UTF-8 string: every byte that does not continue a sequence.
std::size_t columns(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// At most `width` columns (a line wider than the terminal wraps and tears the frame).
std::string fit(const std::string& s, std::size_t width) {
  std::size_t cols = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((s[i] & 0xC0) != 0x80 && ++cols > width) break;
  return s.substr(0, i);
}

std::string pad(std::string s, std::size_t width) {
  const std::size_t w = columns(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}

std::string run_label(const LiveRunInfo& r) {
  return r.engine + " t=" + std::to_string(r.threads) + " " + r.preset + " rep " + std::to_string(r.repetition + 1);
}

std::string machine_line(const LiveRunInfo& r) {
  std::string s = std::to_string(r.logical_cpus) + " logical CPUs, " + std::to_string(r.busy_threads) +
                  (r.busy_threads == 1 ? " busy thread" : " busy threads");
  if (r.busy_threads > r.logical_cpus) s += ": oversubscribed";
  return s;
}

struct Sample {
  double throughput = 0;  // served commands per second in the interval
  int64_t p50 = 0, p99 = 0;
};

// What the view remembers of one engine: the intervals of its latest run.
struct Row {
  std::string engine;
  std::string label;         // threads and preset of the latest run
  std::deque<Sample> samples;  // newest last, at most kKeep
  std::string summary;       // the finished run's own figures
  static constexpr std::size_t kKeep = 256;
};

class LiveViewBase : public LiveView {
 public:
  LiveViewBase(std::FILE* out, const std::vector<std::string>& engines) : out_(out) {
    for (const auto& e : engines) rows_.push_back(Row{e, {}, {}, {}});
  }

  void start(std::size_t done, std::size_t total, const std::string& what) override {
    done_ = done;
    total_ = total;
    what_ = what;
    status_changed();
  }

  void begin_run(const LiveRunInfo& info) override {
    run_ = info;
    run_hist_ = IntervalHistogram{};
    last_ = LiveInterval{};
    switches_ = 0;
    Row& r = row(info.engine);
    r.label = "t=" + std::to_string(info.threads) + " " + info.preset;
    r.samples.clear();
    r.summary.clear();
    current_ = &r;
    running_ = true;
    run_started();
  }

  void on_interval(const LiveInterval& li) override {
    if (li.histogram) run_hist_.merge(*li.histogram);
    switches_ += li.context_switches;
    if (!li.last) {
      last_ = li;
      Sample s;
      s.throughput = static_cast<double>(li.commands) / (static_cast<double>(run_.interval_ns) * 1e-9);
      s.p50 = li.p50_ns;
      s.p99 = li.p99_ns;
      if (current_) {
        current_->samples.push_back(s);
        if (current_->samples.size() > Row::kKeep) current_->samples.pop_front();
      }
    }
    interval_seen(li);
  }

  void end_run(const RunResult& result) override {
    if (current_)
      current_->summary = human_rate(result.throughput()) + ", p50 " + human_ns(result.latency.value_at_percentile(50)) +
                          ", p99 " + human_ns(result.latency.value_at_percentile(99));
    running_ = false;
    run_finished(result);
  }

 protected:
  virtual void status_changed() = 0;
  virtual void run_started() = 0;
  virtual void interval_seen(const LiveInterval& li) = 0;
  virtual void run_finished(const RunResult& result) = 0;

  Row& row(const std::string& engine) {
    for (Row& r : rows_)
      if (r.engine == engine) return r;
    rows_.push_back(Row{engine, {}, {}, {}});
    return rows_.back();
  }

  std::FILE* out_;
  std::deque<Row> rows_;  // a deque: current_ stays valid when a row is added
  Row* current_ = nullptr;  // the latest run's row; it stays after the run ends
  bool running_ = false;
  LiveRunInfo run_;
  IntervalHistogram run_hist_;
  LiveInterval last_;
  int64_t switches_ = 0;
  std::size_t done_ = 0, total_ = 0;
  std::string what_;
};

// One line per event: for logs and pipes.
class PlainLiveView final : public LiveViewBase {
 public:
  using LiveViewBase::LiveViewBase;
  void finish() override { std::fflush(out_); }

 private:
  void status_changed() override {
    std::fprintf(out_, "run %zu/%zu: %s\n", done_ + 1, total_, what_.c_str());
    std::fflush(out_);
  }
  void run_started() override {
    std::fprintf(out_, "live: %s: floor %s, %s\n", run_label(run_).c_str(),
                 run_.floor_p50_ns >= 0 ? human_ns(run_.floor_p50_ns).c_str() : "not measured",
                 machine_line(run_).c_str());
  }
  void interval_seen(const LiveInterval& li) override {
    if (li.last && li.commands == 0) return;
    std::fprintf(out_, "live: %s t=%u %s%.2fs %llu commands (%s), p50 %s, p99 %s, max %s, %lld context switches\n",
                 run_.engine.c_str(), run_.threads, li.last ? "end " : "+", li.start_s,
                 static_cast<unsigned long long>(li.commands),
                 li.last ? "remainder"
                         : human_rate(static_cast<double>(li.commands) / (static_cast<double>(run_.interval_ns) * 1e-9))
                               .c_str(),
                 human_ns(li.p50_ns).c_str(), human_ns(li.p99_ns).c_str(), human_ns(li.max_ns).c_str(),
                 static_cast<long long>(li.context_switches));
    std::fflush(out_);
  }
  void run_finished(const RunResult&) override {
    if (current_) std::fprintf(out_, "live: %s done: %s\n", run_label(run_).c_str(), current_->summary.c_str());
    std::fflush(out_);
  }
};

// Redrawn in place: cursor home, each line cleared to its end, the rest of the screen
// cleared. No alternate screen, so the last frame stays above the final table.
class TerminalLiveView final : public LiveViewBase {
 public:
  TerminalLiveView(std::FILE* out, const std::vector<std::string>& engines) : LiveViewBase(out, engines) {
    std::fputs("\033[H\033[2J", out_);
  }
  void finish() override { draw(true); }

 private:
  static constexpr auto kMinFrameGap = std::chrono::milliseconds(80);  // ~12 frames/s at most

  void status_changed() override { draw(false); }
  void run_started() override { draw(true); }
  void interval_seen(const LiveInterval&) override { draw(false); }
  void run_finished(const RunResult&) override { draw(true); }

  static constexpr std::size_t kMinColumns = 60, kMinRows = 12;

  // Columns and rows of the terminal (100 x 40 when it does not say).
  static std::pair<std::size_t, std::size_t> size() {
    winsize ws{};
    std::size_t w = 100, h = 40;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
      w = ws.ws_col;
      h = ws.ws_row;
    }
    return {std::clamp<std::size_t>(w, kMinColumns, 200), std::max<std::size_t>(h, kMinRows)};
  }

  // Eight levels. Throughput: linear from 0. Latency (`log`): log scale over at least
  // a factor of 16 below the largest shown, so that a 3% wobble stays on one level
  // instead of filling the whole height.
  static std::string sparkline(const std::vector<double>& v, bool log) {
    static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (v.empty()) return {};
    auto f = [log](double x) { return log ? std::log(std::max(x, 1.0)) : x; };
    const double hi = f(*std::max_element(v.begin(), v.end()));
    const double lo = log ? std::min(f(*std::min_element(v.begin(), v.end())), hi - std::log(16.0)) : 0.0;
    std::string s;
    for (double x : v) {
      int level = hi > lo ? static_cast<int>(std::lround((f(x) - lo) / (hi - lo) * 7)) : 3;
      s += kBars[std::clamp(level, 0, 7)];
    }
    return s;
  }

  // Which columns fit, and how wide each is. By priority: the engine and its
  // throughput, then p99 (the tail is the point of most lectures), then p50, then the
  // run's threads and preset beside the engine's name (the run line below names them
  // too). Headers and the floor line are abbreviated under 100 columns; under 80 the
  // p50 column goes. The minimum is 60 x 12 (docs/guide.md): narrower is drawn at 60
  // and the terminal wraps it.
  struct Layout {
    std::size_t name_w, col_w, spark_w;
    bool labels, p50, long_text;
  };

  Layout layout(std::size_t w) const {
    Layout l{};
    l.long_text = w >= 100;
    l.p50 = w >= 80;
    l.labels = w >= 100;
    std::size_t longest = 6;
    for (const Row& r : rows_) longest = std::max(longest, columns(r.engine) + (l.labels ? columns(r.label) + 1 : 0));
    l.name_w = std::min(longest + 3, l.labels ? w / 3 : w / 4 + 4);
    const std::size_t columns_shown = l.p50 ? 3 : 2;
    l.col_w = (w - l.name_w - 1) / columns_shown;
    l.spark_w = l.col_w > 12 ? l.col_w - 12 : 1;  // room for " 999.9 k/s" and a gap
    return l;
  }

  std::string header_line(const Layout& l) const {
    if (l.long_text)
      return pad("engine (latest run)", l.name_w) + pad("throughput / interval", l.col_w) + pad("p50", l.col_w) + "p99";
    return pad("engine", l.name_w) + pad("throughput", l.col_w) + (l.p50 ? pad("p50", l.col_w) : "") + "p99";
  }

  std::string row_line(const Row& r, const Layout& l) const {
    std::string name = (&r == current_ && running_ ? "> " : "  ") + r.engine;
    if (l.labels && !r.label.empty()) name += " " + r.label;
    std::string line = pad(fit(name, l.name_w - 1), l.name_w);
    if (r.samples.empty()) return line + (r.summary.empty() ? "waiting" : r.summary);
    const std::size_t n = std::min(l.spark_w, r.samples.size());
    std::vector<double> tput, p50, p99;
    for (std::size_t i = r.samples.size() - n; i < r.samples.size(); ++i) {
      tput.push_back(r.samples[i].throughput);
      p50.push_back(static_cast<double>(r.samples[i].p50));
      p99.push_back(static_cast<double>(r.samples[i].p99));
    }
    const Sample& s = r.samples.back();
    line += pad(pad(sparkline(tput, false), l.spark_w) + " " + human_rate(s.throughput), l.col_w);
    if (l.p50) line += pad(pad(sparkline(p50, true), l.spark_w) + " " + human_ns(s.p50), l.col_w);
    return line + pad(sparkline(p99, true), l.spark_w) + " " + human_ns(s.p99);
  }

  std::vector<std::string> frame() const {
    const auto [w, h] = size();
    const Layout l = layout(w);
    std::vector<std::string> lines;
    lines.push_back("swlab live   run " + std::to_string(done_ + 1) + "/" + std::to_string(total_) + ": " + what_);
    if (current_) {
      const std::string floor = run_.floor_p50_ns >= 0 ? human_ns(run_.floor_p50_ns) : std::string("not measured");
      lines.push_back(l.long_text ? "floor (cross-core ping-pong p50 before this run): " + floor + "   " + machine_line(run_)
                                  : "floor (ping-pong p50): " + floor + "   " + machine_line(run_));
    } else {
      lines.push_back("");
    }
    lines.push_back("");
    lines.push_back(header_line(l));
    for (const Row& r : rows_) lines.push_back(row_line(r, l));
    lines.push_back("");
    if (!current_) return lines;
    const double interval_s = static_cast<double>(run_.interval_ns) * 1e-9;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s at %.1f s", run_label(run_).c_str(), last_.start_s + interval_s);
    lines.push_back(buf);
    std::snprintf(buf, sizeof buf, "  this interval: max %s, %lld context switches (%s); %lld in the run",
                  human_ns(last_.max_ns).c_str(), static_cast<long long>(last_.context_switches),
                  human_rate(static_cast<double>(last_.context_switches) / interval_s).c_str(),
                  static_cast<long long>(switches_));
    lines.push_back(buf);
    lines.push_back("latency histogram of " + std::string(running_ ? "this run so far" : "the last run") + " (" +
                    std::to_string(run_hist_.count()) + " commands):");
    const auto oct = run_hist_.octave_counts();
    std::size_t lo = oct.size(), hi = 0;
    for (std::size_t k = 0; k < oct.size(); ++k)
      if (oct[k]) {
        lo = std::min(lo, k);
        hi = k;
      }
    if (lo > hi) return lines;
    // Whatever rows the screen has left (a frame taller than the screen would scroll
    // and tear), at most 16; when they are too few, the fast end shares the first row.
    const std::size_t room = std::clamp<std::size_t>(h > lines.size() + 1 ? h - lines.size() - 1 : 1, 1, 16);
    const std::size_t first = hi + 1 - lo > room ? hi + 1 - room : lo;
    uint64_t below = 0;
    for (std::size_t k = lo; k < first; ++k) below += oct[k];
    // The longest bar is the largest row as drawn: the first row holds the octaves below
    // it too (sized by oct[first] alone, it outgrew its column and cut off its share).
    uint64_t most = below + oct[first];
    for (std::size_t k = first; k <= hi; ++k) most = std::max(most, oct[k]);
    const std::size_t bar_w = std::min<std::size_t>(56, w - 34);
    auto add = [&](const std::string& label, uint64_t n) {
      const std::size_t len = static_cast<std::size_t>(std::llround(static_cast<double>(n) * bar_w / most));
      std::string bar;
      for (std::size_t i = 0; i < len; ++i) bar += "█";
      if (len == 0 && n) bar = "▏";
      std::snprintf(buf, sizeof buf, "%12s ", label.c_str());
      std::string line = buf + pad(bar, bar_w);
      // The count too: the slow rows hold a few commands in a million, and they matter.
      std::snprintf(buf, sizeof buf, " %5.1f%% %9llu", 100.0 * static_cast<double>(n) / static_cast<double>(run_hist_.count()),
                    static_cast<unsigned long long>(n));
      lines.push_back(line + buf);
    };
    if (first > lo) add("< " + human_ns(int64_t{1} << (first + 1)), below + oct[first]);
    for (std::size_t k = first > lo ? first + 1 : first; k <= hi; ++k) add(">= " + human_ns(int64_t{1} << k), oct[k]);
    return lines;
  }

  void draw(bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < kMinFrameGap) return;
    last_draw_ = now;
    const std::size_t w = size().first;
    std::string s = "\033[H";
    for (const std::string& l : frame()) s += fit(l, w) + "\033[K\n";
    s += "\033[J";
    std::fwrite(s.data(), 1, s.size(), out_);
    std::fflush(out_);
  }

  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace

std::unique_ptr<LiveView> make_live_view(std::FILE* out, bool terminal, const std::vector<std::string>& engines) {
  if (terminal) return std::make_unique<TerminalLiveView>(out, engines);
  return std::make_unique<PlainLiveView>(out, engines);
}

}  // namespace swlab::cli
