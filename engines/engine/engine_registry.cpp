#include "engine/engine_registry.h"

#include <algorithm>
#include <stdexcept>

#include "engine/command_work.h"

namespace swlab {

const EngineOption* EngineInfo::option(std::string_view key) const {
  for (const EngineOption& o : options)
    if (o.name == key) return &o;
  return nullptr;
}

std::string ResolvedSpec::canonical() const {
  std::string s = info->name;
  for (const EngineOption& o : info->options)
    if (!o.spec_only_when_set || o.get(config) != "0") s += ":" + o.name + "=" + o.get(config);
  return s;
}

std::vector<SpecSetting> ResolvedSpec::settings() const {
  std::vector<SpecSetting> v;
  v.push_back({"name", info->name, false});
  v.push_back({"markets", std::to_string(config.markets), true});
  for (const EngineOption& o : info->options)
    if (!o.spec_only_when_set || o.get(config) != "0") v.push_back({o.name, o.get(config), o.is_count()});
  if (!config.persistence.dir.empty()) {
    if (!info->option("durability")) v.push_back({"durability", std::string(to_string(config.persistence.durability)), false});
    v.push_back({"snapshot_every", std::to_string(config.persistence.snapshot_every), true});
    v.push_back({"keep_snapshots", std::to_string(config.persistence.keep_snapshots), true});
  }
  if (config.work_iterations > 0) v.push_back({"work_iterations", std::to_string(config.work_iterations), true});
  return v;
}

EngineRegistry& EngineRegistry::instance() {
  // Built on first use, so registrars in any translation unit may run first.
  static EngineRegistry* registry = new EngineRegistry;
  return *registry;
}

void EngineRegistry::add(EngineInfo info) {
  if (find(info.name) != nullptr) throw std::logic_error("engine registered twice: " + info.name);
  // Command work is one mechanism: an engine that performs it can be asked for more.
  if (info.command_work && info.option(inject_option().name) == nullptr) info.options.push_back(inject_option());
  // Static registrars run in link order; the listing must not depend on it.
  auto at = std::upper_bound(engines_.begin(), engines_.end(), info, [](const EngineInfo& a, const EngineInfo& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.name < b.name;
  });
  engines_.insert(at, std::move(info));
}

const EngineInfo* EngineRegistry::find(std::string_view name) const {
  for (const EngineInfo& e : engines_)
    if (e.name == name) return &e;
  return nullptr;
}

const EngineOption* EngineRegistry::find_option(std::string_view key) const {
  for (const EngineInfo& e : engines_)
    if (const EngineOption* o = e.option(key)) return o;
  return nullptr;
}

std::vector<std::string> EngineRegistry::names() const {
  std::vector<std::string> out;
  for (const EngineInfo& e : engines_) out.push_back(e.name);
  return out;
}

bool EngineRegistry::resolve(std::string_view spec, const EngineConfig& defaults, ResolvedSpec* out,
                             std::string* error) const {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  const std::string s(spec);
  std::size_t colon = s.find(':');
  const std::string name = s.substr(0, colon);
  const EngineInfo* info = find(name);
  if (info == nullptr) return fail("unknown engine '" + name + "' ('swlab engines' lists them)");
  EngineConfig c = defaults;
  std::vector<std::string> seen;  // a key given twice would leave only its last value
  while (colon != std::string::npos) {
    const std::size_t next = s.find(':', colon + 1);
    const std::string opt = s.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
    const std::size_t eq = opt.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail("engine '" + s + "': option '" + opt + "' is not key=value");
    const std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
    const EngineOption* o = info->option(key);
    if (o == nullptr) {
      std::string takes;
      for (const EngineOption& x : info->options) takes += (takes.empty() ? "" : ", ") + x.name;
      return fail("engine '" + name + "' has no option '" + key + "'" +
                  (takes.empty() ? std::string(" (it takes none)") : " (it takes " + takes + ")"));
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return fail("engine '" + s + "': option " + key + " given twice");
    seen.push_back(key);
    if (std::string why = o->check(value); !why.empty())
      return fail("engine '" + s + "': option " + key + "=" + value + ": " + why);
    o->set(c, value);
    colon = next;
  }
  if (!c.persistence.dir.empty() && !info->journals) {
    std::string journaling;
    for (const EngineInfo& e : engines_)
      if (e.journals) journaling += (journaling.empty() ? "" : ", ") + e.name;
    return fail("engine '" + name + "' keeps no journal (" + journaling + " do)");
  }
  if (c.work_iterations > 0 && !info->command_work) {
    std::string working;
    for (const EngineInfo& e : engines_)
      if (e.command_work) working += (working.empty() ? "" : ", ") + e.name;
    return fail("engine '" + name + "' performs no command work (" + working + " do)");
  }
  if (c.inject_ns > 0) {
    double rate = c.work_iterations_per_ns;
    if (rate <= 0) {  // the invocation did not calibrate (tests, swlab exec): once per process
      static const double calibrated = calibrate_work();
      rate = calibrated;
    }
    c.work_iterations += work_iterations(c.inject_ns, rate);
  }
  if (info->resolve) info->resolve(c);
  out->info = info;
  out->config = std::move(c);
  return true;
}

std::unique_ptr<Engine> EngineRegistry::create(const ResolvedSpec& spec, std::string* error) const {
  std::string why;
  auto engine = spec.info->make(spec.config, &why);
  if (!engine && error) *error = "engine '" + spec.info->name + "': " + why;
  return engine;
}

std::unique_ptr<Engine> EngineRegistry::create(std::string_view spec, const EngineConfig& defaults,
                                               std::string* error) const {
  ResolvedSpec r;
  if (!resolve(spec, defaults, &r, error)) return nullptr;
  return create(r, error);
}

bool EngineRegistry::valid(std::string_view spec, const EngineConfig& defaults, std::string* error) const {
  auto e = create(spec, defaults, error);
  if (e) e->shutdown();
  return e != nullptr;
}

std::unique_ptr<Engine> unless_failed(std::unique_ptr<Engine> engine, std::string* error) {
  if (std::string f = engine->failure(); !f.empty()) {
    if (error) *error = f;
    return nullptr;
  }
  return engine;
}

}  // namespace swlab
