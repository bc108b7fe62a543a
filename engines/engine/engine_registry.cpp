#include "engine/engine_registry.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace swlab {

namespace {

bool parse_u32(const std::string& s, uint32_t* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool one_of(const std::string& v, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

const std::vector<std::string>& single_writer_channels() {
  static const std::vector<std::string> v = {"spsc", "moodycamel", "moodycamel-blocking", "boost-queue",
                                             "mutex-deque"};
  return v;
}
const std::vector<std::string>& single_writer_replies() {
  static const std::vector<std::string> v = {"futex", "spin", "atomic-wait", "future"};
  return v;
}
const std::vector<std::string>& single_writer_waits() {
  static const std::vector<std::string> v = {"blocking", "spin-yield", "busy-spin"};
  return v;
}

std::string_view to_string(OverloadPolicy p) {
  switch (p) {
    case OverloadPolicy::kBlock: return "block";
    case OverloadPolicy::kReject: return "reject";
    case OverloadPolicy::kPriority: return "priority";
  }
  return "?";
}

bool parse_overload_policy(std::string_view s, OverloadPolicy* out) {
  if (s == "block") *out = OverloadPolicy::kBlock;
  else if (s == "reject") *out = OverloadPolicy::kReject;
  else if (s == "priority") *out = OverloadPolicy::kPriority;
  else return false;
  return true;
}

bool apply_engine_option(const std::string& key, const std::string& value, EngineConfig* c,
                         std::string* error) {
  auto bad = [&](const std::string& why) {
    if (error) *error = "option " + key + "=" + value + ": " + why;
    return false;
  };
  if (key == "channel") {
    if (!one_of(value, single_writer_channels())) return bad("channel must be one of " + list(single_writer_channels()));
    c->channel = value;
  } else if (key == "reply") {
    if (!one_of(value, single_writer_replies())) return bad("reply must be one of " + list(single_writer_replies()));
    c->reply = value;
  } else if (key == "wait") {
    if (!one_of(value, single_writer_waits())) return bad("wait must be one of " + list(single_writer_waits()));
    c->wait = value;
  } else if (key == "overload") {
    if (!parse_overload_policy(value, &c->overload)) return bad("overload must be block, reject or priority");
  } else if (key == "capacity") {
    if (!parse_u32(value, &c->capacity) || c->capacity == 0 || c->capacity > (1u << 24))
      return bad("capacity must be 1..16777216");
  } else if (key == "batch") {
    if (!parse_u32(value, &c->batch) || c->batch == 0 || c->batch > (1u << 16)) return bad("batch must be 1..65536");
  } else if (key == "durability") {
    if (!parse_durability(value, &c->durability)) return bad("durability must be none, batch or always");
  } else if (key == "shards") {
    if (!parse_u32(value, &c->shards) || c->shards == 0 || c->shards > 1024) return bad("shards must be 1..1024");
  } else {
    if (error) *error = "unknown option '" + key + "'";
    return false;
  }
  return true;
}

EngineRegistry& EngineRegistry::instance() {
  static EngineRegistry* registry = [] {
    auto* r = new EngineRegistry;
    register_mutex_engine(*r);
    register_rwlock_engine(*r);
    register_spinlock_engine(*r);
    register_single_writer_engine(*r);
    register_sharded_engines(*r);
    return r;
  }();
  return *registry;
}

void EngineRegistry::add(EngineInfo info) {
  if (find(info.name) != nullptr) throw std::logic_error("engine registered twice: " + info.name);
  engines_.push_back(std::move(info));
}

const EngineInfo* EngineRegistry::find(std::string_view name) const {
  for (const EngineInfo& e : engines_)
    if (e.name == name) return &e;
  return nullptr;
}

std::unique_ptr<Engine> EngineRegistry::create(std::string_view spec, const EngineConfig& config,
                                               std::string* error) const {
  std::string s(spec);
  std::size_t colon = s.find(':');
  const std::string name = s.substr(0, colon);
  const EngineInfo* info = find(name);
  if (info == nullptr) {
    if (error) *error = "unknown engine '" + name + "' ('swlab engines' lists them)";
    return nullptr;
  }
  EngineConfig c = config;
  while (colon != std::string::npos) {
    std::size_t next = s.find(':', colon + 1);
    std::string opt = s.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1);
    std::size_t eq = opt.find('=');
    if (eq == std::string::npos || eq == 0) {
      if (error) *error = "engine '" + std::string(spec) + "': option '" + opt + "' is not key=value";
      return nullptr;
    }
    std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
    if (!one_of(key, info->options)) {
      if (error)
        *error = "engine '" + name + "' has no option '" + key + "'" +
                 (info->options.empty() ? std::string(" (it takes none)") : " (it takes " + list(info->options) + ")");
      return nullptr;
    }
    std::string why;
    if (!apply_engine_option(key, value, &c, &why)) {
      if (error) *error = "engine '" + std::string(spec) + "': " + why;
      return nullptr;
    }
    colon = next;
  }
  if (!c.journal_dir.empty() && !info->journals) {
    if (error) *error = "engine '" + name + "' keeps no journal (single-writer, sharded-single-writer and mutex do)";
    return nullptr;
  }
  std::string why;
  auto engine = info->make(c, &why);
  if (!engine && error) *error = "engine '" + std::string(spec) + "': " + why;
  return engine;
}

bool EngineRegistry::valid(std::string_view spec, const EngineConfig& config, std::string* error) const {
  auto e = create(spec, config, error);
  if (e) e->shutdown();
  return e != nullptr;
}

std::vector<std::string> EngineRegistry::names() const {
  std::vector<std::string> out;
  for (const EngineInfo& e : engines_) out.push_back(e.name);
  return out;
}

}  // namespace swlab
