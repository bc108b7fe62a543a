#include "engine/engine_options.h"

#include <algorithm>
#include <charconv>

#include "core/enum_names.h"
#include "engine/overload_policy.h"

namespace swlab {

namespace {

bool parse_u64(const std::string& s, uint64_t* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc{} && p == s.data() + s.size();
}

// An option over an enum field: its choices, and the field's printing and
// parsing, all read the enum's one name table. `field(config)` is the field (a
// generic lambda, so that it reaches into a const and a mutable configuration alike).
template <class E, std::size_t N, class Field>
EngineOption enum_option(std::string name, std::string help, Field field, const EnumName<E> (&names)[N]) {
  EngineOption o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.choices = enum_names(names);
  o.get = [field, &names](const EngineConfig& c) { return std::string(enum_name(names, field(c))); };
  o.set = [field, &names](EngineConfig& c, const std::string& v) { parse_enum(names, v, &field(c)); };
  return o;
}

}  // namespace

std::string EngineOption::values() const {
  if (is_count()) return std::to_string(min) + ".." + std::to_string(max);
  std::string s;
  for (const auto& c : choices) s += (s.empty() ? "" : ", ") + c;
  return s;
}

std::string EngineOption::check(const std::string& value) const {
  if (is_count()) {
    uint64_t v;
    if (parse_u64(value, &v) && v >= min && v <= max) return {};
    return name + " must be " + values();
  }
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
  for (const auto& [unbuilt_value, why] : unbuilt)
    if (unbuilt_value == value) return name + " " + value + " is " + why + "; this build has " + values();
  return name + " must be one of " + values();
}

EngineOption count_option(std::string name, std::string help, uint32_t EngineConfig::*field, uint64_t min,
                          uint64_t max) {
  EngineOption o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.min = min;
  o.max = max;
  o.get = [field](const EngineConfig& c) { return std::to_string(c.*field); };
  o.set = [field](EngineConfig& c, const std::string& v) {
    uint64_t x = 0;
    parse_u64(v, &x);
    c.*field = static_cast<uint32_t>(x);
  };
  return o;
}

EngineOption choice_option(std::string name, std::string help, std::string EngineConfig::*field,
                           std::vector<std::string> choices, std::vector<std::string> choice_help) {
  EngineOption o;
  o.name = std::move(name);
  o.help = std::move(help);
  o.choices = std::move(choices);
  o.choice_help = std::move(choice_help);
  o.get = [field](const EngineConfig& c) { return c.*field; };
  o.set = [field](EngineConfig& c, const std::string& v) { c.*field = v; };
  return o;
}

const EngineOption& capacity_option() {
  static const EngineOption o = count_option(
      "capacity", "bound of the channel: requests admitted and not yet answered", &EngineConfig::capacity, 1,
      1u << 24);
  return o;
}

const EngineOption& batch_option() {
  static const EngineOption o = count_option(
      "batch", "most requests the engine thread drains per wake-up; 1 = no batching", &EngineConfig::batch, 1,
      1u << 16);
  return o;
}

const EngineOption& overload_option() {
  static const EngineOption o = enum_option(
      "overload",
      "when the channel is full: block the caller, reject at once, or priority (shed new orders, keep cancels and "
      "queries)",
      [](auto& c) -> auto& { return c.overload; }, kOverloadPolicyNames);
  return o;
}

const EngineOption& durability_option() {
  static const EngineOption o = enum_option(
      "durability",
      "with a journal: none (write, no fsync), batch (one fdatasync per batch, replies after it), always (fdatasync "
      "per command)",
      [](auto& c) -> auto& { return c.persistence.durability; }, kDurabilityNames);
  return o;
}

const EngineOption& shards_option() {
  static const EngineOption o = count_option(
      "shards", "independent engines, market m on shard m % shards (default: half the usable CPUs, so the clients keep the rest; at least 1, at most one per market)",
      &EngineConfig::shards, 1, 1024);
  return o;
}

const EngineOption& inject_option() {
  static const EngineOption o = [] {
    EngineOption x = count_option(
        "inject-ns",
        "a positive control: N ns more command work on every state-changing command of this configuration "
        "only, where it applies them (under its lock, on its thread), so its critical section is longer than "
        "its neighbours' in the same comparison (docs/claims.md)",
        &EngineConfig::inject_ns, 0, 10'000'000);
    x.spec_only_when_set = true;
    return x;
  }();
  return o;
}

}  // namespace swlab
