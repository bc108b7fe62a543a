// Engines by name. Cold path: a factory per engine, looked up once per run.
//
// An engine is named by a spec: its registered name, optionally followed by
// options, e.g. `single-writer:channel=spsc:wait=busy-spin` or
// `sharded-mutex:shards=4`. Options given in the spec override the defaults the
// caller passes in (which the CLI's --channel, --wait, ... flags set). Resolving a
// spec gives every option the engine takes a value, defaults included, so the
// resolved spec alone rebuilds the same engine (results files record it).
//
// Engines register themselves in the file that defines them, with a static
// EngineRegistrar. The engines library is linked whole-archive (CMakeLists.txt), so
// the linker keeps those objects although nothing references them by name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/engine_config.h"
#include "engine/engine_options.h"

namespace swlab {

struct EngineInfo {
  std::string name{};
  std::string description{};
  // Listing order (`swlab engines`, the default comparison): baselines first.
  int rank = 100;
  std::vector<EngineOption> options{};  // the spec keys this engine takes
  bool journals = false;              // honours EngineConfig::persistence.dir
  // Its core performs EngineConfig::work_iterations per state-changing command
  // (engine/command_work.h); a spec asking an engine without it for work is refused.
  bool command_work = false;
  // Gives automatic settings their value for this machine (e.g. the shard count);
  // may be empty.
  std::function<void(EngineConfig&)> resolve{};
  // Returns the engine, or null with *error set when the config is unusable.
  std::function<std::unique_ptr<Engine>(const EngineConfig&, std::string* error)> make{};

  const EngineOption* option(std::string_view key) const;
};

// One recorded setting of a resolved spec: a count is recorded as a number.
struct SpecSetting {
  std::string key, value;
  bool count = false;
};

// A spec after parsing: the engine, and its configuration with every option set.
struct ResolvedSpec {
  const EngineInfo* info = nullptr;
  EngineConfig config;
  // "name:key=value:..." with every option the engine takes, in its declared order.
  std::string canonical() const;
  // (key, value) for "name", "markets", every option, the journal settings when a
  // journal is set and the command work when there is some: what a results file
  // records as engine_config.
  std::vector<SpecSetting> settings() const;
};

class EngineRegistry {
 public:
  static EngineRegistry& instance();

  void add(EngineInfo info);
  const EngineInfo* find(std::string_view name) const;  // by registered name
  // Every registered engine, in rank order.
  const std::vector<EngineInfo>& engines() const { return engines_; }
  std::vector<std::string> names() const;
  // The first registered description of an option called `key` (the CLI's
  // --channel, --capacity ... flags set defaults through it); null if none.
  const EngineOption* find_option(std::string_view key) const;

  // Parses spec ("name[:key=value]..."), applies its options over `defaults` and
  // resolves automatic settings. False with *error on an unknown name, option or
  // value.
  bool resolve(std::string_view spec, const EngineConfig& defaults, ResolvedSpec* out, std::string* error) const;
  // Creates the engine a resolved spec describes; null with *error when it cannot
  // be built (a journal directory that cannot be opened, a capacity the channel
  // cannot hold).
  std::unique_ptr<Engine> create(const ResolvedSpec& spec, std::string* error = nullptr) const;
  // resolve() then create().
  std::unique_ptr<Engine> create(std::string_view spec, const EngineConfig& defaults,
                                 std::string* error = nullptr) const;
  // Builds (and shuts down) the engine a spec names: every check a run would make.
  bool valid(std::string_view spec, const EngineConfig& defaults, std::string* error) const;

 private:
  std::vector<EngineInfo> engines_;
};

// The engine a factory built, or null with *error set (when error is not null) to
// the failure it reports: an engine's constructor does not throw (a journal
// directory that cannot be opened is reported by failure()), so make asks once here.
std::unique_ptr<Engine> unless_failed(std::unique_ptr<Engine> engine, std::string* error);

// `static const EngineRegistrar registrar{EngineInfo{...}};` in the file that defines
// an engine (built-in, a lab's, a test's).
struct EngineRegistrar {
  explicit EngineRegistrar(EngineInfo info) { EngineRegistry::instance().add(std::move(info)); }
};

}  // namespace swlab
