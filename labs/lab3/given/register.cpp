// Registers the lab 3 engine as `lab3-single-writer` (given: frozen).
#include "engine/engine_registry.h"
#include "lab3.h"

namespace swlab::lab3 {
namespace {

const EngineRegistrar registrar{EngineInfo{
    .name = "lab3-single-writer",
    .description = "lab 3: one engine thread, bounded channel, reply slots (your single_writer.cpp)",
    .options = {overload_option(), capacity_option(), batch_option()},
    .make = [](const EngineConfig& c, std::string* error) { return make_lab3_engine(c, error); }}};

}  // namespace
}  // namespace swlab::lab3
