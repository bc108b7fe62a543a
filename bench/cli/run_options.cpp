#include "run_options.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "cli.h"
#include "clock.h"
#include "persistence/persistence.h"
#include "workload.h"

namespace swlab::cli {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::string help_text(const std::string& cmd, const RunPlan& d) {
  std::ostringstream h;
  auto threads = [&] {
    std::string s;
    for (auto t : d.threads) s += (s.empty() ? "" : ",") + std::to_string(t);
    return s;
  };
  h << "usage: swlab " << cmd << " [options]\n\n";
  if (cmd == "run") {
    h << "Runs the default comparison (every engine, balanced preset, threads "
      << threads() << ") or the\nruns the options select, prints a table and writes results "
                      "(JSON, CSV, .hgrm).\n\n";
  } else {
    h << "Runs every combination of engines x threads x presets (x rates in open loop),\n"
         "each repeated, with a progress bar; --find-knee steps the offered rate up until\n"
         "p99 passes a bound and reports the highest rate each engine sustains under it.\n\n";
  }
  h << "what to run:\n"
    << "  --engine LIST        engines, comma-separated (default: all: " << join(d.engines) << ")\n"
    << "  --threads LIST       client threads, comma-separated (default: " << threads() << ")\n"
    << "  --preset LIST        workload presets (default: " << join(d.presets) << "; one of\n"
    << "                       " << join(workload_preset_names()) << ")\n"
    << "  --repetitions N      runs per combination (default: " << d.repetitions << ")\n"
    << "load:\n"
    << "  --mode closed|open   closed: send, wait, send; open: constant rate, latency from the\n"
    << "                       intended send time (default: closed)\n"
    << "  --rate LIST          open loop: aggregate offered rates, commands/s\n"
    << "  --window N           requests in flight per client (default: 1; >1 needs an\n"
    << "                       engine with asynchronous submit)\n"
    << "  --think NS           closed loop: pause after each reply, ns (default: 0)\n"
    << "  --duration S         measured seconds per run (default: " << d.base.duration_s << ")\n"
    << "  --commands N         measure N commands per run instead of a duration\n"
    << "  --warmup S           seconds excluded from the figures (default: " << d.base.warmup_s << ")\n"
    << "  --seed N             workload seed (default: 1)\n"
    << "  --pin                pin client i to CPU i mod online CPUs\n"
    << "  --clock steady|tsc   clock for latency stamps (default: steady)\n"
    << "workload overrides (on top of the preset):\n"
    << "  --markets N          number of markets (default: 8)\n"
    << "  --zipf S             market popularity skew, 0 = uniform (default: 0)\n"
    << "  --accounts N         accounts per market (default: 1000)\n"
    << "engine (defaults for every engine that takes the option; an engine spec such as\n"
    << "  single-writer:channel=spsc:wait=busy-spin overrides them for that engine):\n"
    << "  --channel NAME       single-writer channel: " << join(single_writer_channels()) << "\n"
    << "                       (default: " << d.engine_config.channel << ")\n"
    << "  --reply NAME         reply path: " << join(single_writer_replies()) << " (default: " << d.engine_config.reply << ")\n"
    << "  --wait NAME          engine wait strategy: " << join(single_writer_waits()) << "\n"
    << "                       (default: " << d.engine_config.wait << ")\n"
    << "  --overload POLICY    block, reject or priority (default: block)\n"
    << "  --capacity N         channel bound: requests admitted, not yet answered (default: 1024)\n"
    << "  --batch N            most commands an engine thread drains per wake-up; 1 = off (default: 64)\n"
    << "  --shards N           shards of the sharded engines (default: min(markets, 4))\n"
    << "rate sweep (open loop):\n"
    << "  --find-knee US       step the rate until p99 passes US microseconds\n"
    << "  --rate-start R       first rate of the sweep (default: 10000)\n"
    << "  --rate-factor F      rate multiplier per step (default: 2)\n"
    << "  --max-steps N        most steps per sweep (default: 12)\n"
    << "journal (single-writer, sharded-single-writer, mutex; docs/replay.md):\n"
    << "  --journal DIR        journal and snapshots of each run under DIR/<run id>/\n"
    << "  --durability MODE    none (write, no fsync), batch (one fsync per engine batch,\n"
    << "                       replies after it), always (fsync per command) (default: batch)\n"
    << "  --snapshot-every N   snapshot every N commands (default: 0, never)\n"
    << "  --ack-log DIR        append each acknowledged sequence number to DIR/acks-<client>.log\n"
    << "output:\n"
    << "  --out DIR            results directory (default: results/<date>.<cpu>.<cores>c.<commit>)\n"
    << "  --label TEXT         describes the machine in the results (e.g. '2-core laptop')\n"
    << "  --quiet              no progress output\n";
  return h.str();
}

bool parse_u64(const std::string& s, uint64_t* v) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_double(const std::string& s, double* v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *v = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size() && std::isfinite(*v);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

int parse_run_plan(const std::string& cmd, const std::vector<std::string>& args, RunPlan* plan) {
  RunPlan& p = *plan;
  p.command_line = "swlab " + cmd;
  for (const auto& a : args) p.command_line += " " + a;
  auto bad = [&](const std::string& msg) { return usage_error(cmd, msg); };
  std::string mode = "closed";
  bool rate_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(help_text(cmd, p).c_str(), stdout);
      return kExitOk;
    }
    if (flag == "--pin") {
      p.base.pin = true;
      continue;
    }
    if (flag == "--quiet") {
      p.quiet = true;
      continue;
    }
    if (flag.rfind("--", 0) != 0) return bad("unexpected argument '" + flag + "'");
    if (i + 1 >= args.size()) return bad(flag + " needs a value");
    const std::string& v = args[++i];
    auto positive_u32 = [&](uint32_t* out, uint64_t max = UINT32_MAX) -> bool {
      uint64_t x;
      if (!parse_u64(v, &x) || x == 0 || x > max) return false;
      *out = static_cast<uint32_t>(x);
      return true;
    };
    auto non_negative = [&](double* out) { return parse_double(v, out) && *out >= 0; };
    if (flag == "--engine") {
      p.engines = split(v);
    } else if (flag == "--channel" || flag == "--reply" || flag == "--wait" || flag == "--overload" ||
               flag == "--shards") {
      std::string why;
      if (!apply_engine_option(flag.substr(2), v, &p.engine_config, &why)) return bad(flag + ": " + why);
    } else if (flag == "--threads") {
      p.threads.clear();
      for (const auto& t : split(v)) {
        uint64_t x;
        if (!parse_u64(t, &x) || x == 0 || x > 4096)
          return bad("--threads: '" + t + "' is not a thread count from 1 to 4096");
        p.threads.push_back(static_cast<uint32_t>(x));
      }
    } else if (flag == "--preset") {
      p.presets = split(v);
      WorkloadSpec w;
      for (const auto& name : p.presets)
        if (!workload_preset(name, &w))
          return bad("--preset: unknown preset '" + name + "' (one of " + join(workload_preset_names()) + ")");
    } else if (flag == "--repetitions") {
      if (!positive_u32(&p.repetitions, 1000)) return bad("--repetitions: '" + v + "' is not a count from 1 to 1000");
    } else if (flag == "--mode") {
      if (v != "closed" && v != "open") return bad("--mode: '" + v + "' is neither 'closed' nor 'open'");
      mode = v;
    } else if (flag == "--rate") {
      p.rates.clear();
      rate_given = true;
      for (const auto& r : split(v)) {
        double x;
        if (!parse_double(r, &x) || x <= 0) return bad("--rate: '" + r + "' is not a positive rate");
        p.rates.push_back(x);
      }
    } else if (flag == "--window") {
      if (!positive_u32(&p.base.window, 1 << 16)) return bad("--window: '" + v + "' is not a count from 1 to 65536");
    } else if (flag == "--think") {
      uint64_t x;
      if (!parse_u64(v, &x)) return bad("--think: '" + v + "' is not a non-negative number of ns");
      p.base.think_ns = static_cast<int64_t>(x);
    } else if (flag == "--duration") {
      if (!non_negative(&p.base.duration_s) || p.base.duration_s == 0 || p.base.duration_s > 86400)
        return bad("--duration: '" + v + "' is not a positive number of seconds");
    } else if (flag == "--commands") {
      if (!parse_u64(v, &p.base.max_commands) || p.base.max_commands == 0)
        return bad("--commands: '" + v + "' is not a positive count");
    } else if (flag == "--warmup") {
      if (!non_negative(&p.base.warmup_s) || p.base.warmup_s > 3600)
        return bad("--warmup: '" + v + "' is not a non-negative number of seconds");
    } else if (flag == "--seed") {
      if (!parse_u64(v, &p.base.seed)) return bad("--seed: '" + v + "' is not a non-negative integer");
    } else if (flag == "--clock") {
      if (v == "steady") {
        p.base.clock = ClockKind::kSteady;
      } else if (v == "tsc") {
        p.base.clock = ClockKind::kTsc;
      } else {
        return bad("--clock: '" + v + "' is neither 'steady' nor 'tsc'");
      }
    } else if (flag == "--markets") {
      uint32_t x;
      if (!positive_u32(&x, 4096)) return bad("--markets: '" + v + "' is not a count from 1 to 4096");
      p.markets = x;
    } else if (flag == "--zipf") {
      if (!non_negative(&p.zipf) || p.zipf > 10) return bad("--zipf: '" + v + "' is not a skew from 0 to 10");
    } else if (flag == "--accounts") {
      uint32_t x;
      if (!positive_u32(&x, 1'000'000)) return bad("--accounts: '" + v + "' is not a count from 1 to 1000000");
      p.accounts = x;
    } else if (flag == "--capacity" || flag == "--batch") {
      std::string why;
      if (!apply_engine_option(flag.substr(2), v, &p.engine_config, &why)) return bad(flag + ": " + why);
    } else if (flag == "--find-knee") {
      if (!non_negative(&p.knee_p99_us) || p.knee_p99_us == 0)
        return bad("--find-knee: '" + v + "' is not a positive number of microseconds");
    } else if (flag == "--rate-start") {
      if (!non_negative(&p.rate_start) || p.rate_start == 0) return bad("--rate-start: '" + v + "' is not a positive rate");
    } else if (flag == "--rate-factor") {
      if (!parse_double(v, &p.rate_factor) || p.rate_factor <= 1.0 || p.rate_factor > 100)
        return bad("--rate-factor: '" + v + "' must be a number above 1");
    } else if (flag == "--max-steps") {
      if (!positive_u32(&p.max_steps, 100)) return bad("--max-steps: '" + v + "' is not a count from 1 to 100");
    } else if (flag == "--journal") {
      if (v.empty()) return bad("--journal needs a directory");
      p.journal = v;
    } else if (flag == "--durability") {
      if (!parse_durability(v, &p.engine_config.durability))
        return bad("--durability: '" + v + "' is not one of none, batch, always");
    } else if (flag == "--snapshot-every") {
      if (!parse_u64(v, &p.engine_config.snapshot_every))
        return bad("--snapshot-every: '" + v + "' is not a non-negative count");
    } else if (flag == "--ack-log") {
      if (v.empty()) return bad("--ack-log needs a directory");
      p.ack_log = v;
    } else if (flag == "--out") {
      if (v.empty()) return bad("--out needs a directory");
      p.out_dir = v;
    } else if (flag == "--label") {
      p.label = v;
    } else {
      return bad("unknown option '" + flag + "'");
    }
  }
  p.base.mode = mode == "open" ? LoadMode::kOpen : LoadMode::kClosed;
  // Impossible combinations, before any work.
  if (p.engines.empty() || p.engines.front().empty()) return bad("--engine: no engine given");
  // Every engine spec is built once (and shut down) so that a bad option or an
  // impossible setting is reported now, not after an hour of other runs.
  if ((p.engine_config.snapshot_every > 0 || !p.ack_log.empty()) && p.journal.empty())
    return bad(p.ack_log.empty() ? "--snapshot-every needs --journal" : "--ack-log needs --journal");
  for (const auto& e : p.engines) {
    EngineConfig probe = p.engine_config;
    std::string why;
    const EngineInfo* info = EngineRegistry::instance().find(e.substr(0, e.find(':')));
    if (info && !p.journal.empty() && !info->journals)
      return bad("--journal: engine '" + e + "' keeps no journal (single-writer, sharded-single-writer and mutex do)");
    auto engine = EngineRegistry::instance().create(e, probe, &why);
    if (!engine) return bad("--engine: " + why);
    if (p.base.window > 1 && !engine->asynchronous())
      return bad("--window " + std::to_string(p.base.window) + ": engine '" + e +
                 "' completes inline and cannot keep requests in flight (use --window 1)");
    engine->shutdown();
  }
  if (p.base.mode == LoadMode::kClosed && rate_given) return bad("--rate needs --mode open");
  if (p.base.mode == LoadMode::kClosed && p.knee_p99_us > 0) return bad("--find-knee needs --mode open");
  if (p.base.mode == LoadMode::kOpen && p.knee_p99_us == 0 && p.rates.empty())
    return bad("--mode open needs --rate (or --find-knee)");
  if (p.base.mode == LoadMode::kOpen && p.knee_p99_us > 0 && rate_given)
    return bad("--find-knee chooses the rates itself; drop --rate");
  if (p.base.mode == LoadMode::kOpen && p.base.think_ns > 0) return bad("--think applies to closed loop only");
  if (p.base.clock == ClockKind::kTsc) {
    std::string why;
    if (!calibrate_tsc(&why)) return bad("--clock tsc: " + why);
  }
  for (const auto& preset : p.presets) {
    WorkloadSpec w;
    workload_preset(preset, &w);
    if (p.markets > 0) w.markets = static_cast<uint32_t>(p.markets);
    if (p.zipf >= 0) w.zipf = p.zipf;
    if (p.accounts > 0) w.accounts = static_cast<uint32_t>(p.accounts);
    if (std::string e = validate(w); !e.empty()) return bad("workload '" + preset + "': " + e);
  }
  return -1;
}

}  // namespace swlab::cli
