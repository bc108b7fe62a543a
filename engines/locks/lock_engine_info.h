// How a lock engine registers. Every one applies each command on its caller's
// thread, so all of them take command work; one that journals takes the
// durability option and is built over the spec's journal settings, the others
// always run in memory (a spec giving them a journal directory is refused).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/engine_config.h"
#include "engine/engine_options.h"
#include "engine/engine_registry.h"

namespace swlab {

enum class Journals : bool { kNo, kYes };

// build(name, markets, journal, work_iterations) makes the engine.
template <class Build>
EngineInfo lock_engine_info(std::string name, std::string description, int rank, Journals journals, Build build) {
  const bool journaled = journals == Journals::kYes;
  return EngineInfo{
      .name = name,
      .description = std::move(description),
      .rank = rank,
      .options = journaled ? std::vector<EngineOption>{durability_option()} : std::vector<EngineOption>{},
      .journals = journaled,
      .command_work = true,
      .make = [name, journaled, build](const EngineConfig& c, std::string* error) -> std::unique_ptr<Engine> {
        const PersistenceConfig journal = journaled ? c.persistence : PersistenceConfig{};
        return unless_failed(build(name, c.markets, journal, c.work_iterations), error);
      },
  };
}

}  // namespace swlab
