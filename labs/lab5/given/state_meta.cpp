#include "state_meta.h"

#include <filesystem>
#include <fstream>

#include "persistence/persistence.h"

namespace swlab::lab5 {

bool ensure_state_meta(const std::string& dir, uint32_t markets, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    if (error) *error = "cannot create " + dir + ": " + ec.message();
    return false;
  }
  uint32_t found = 0;
  std::string why;
  if (read_markets(dir, &found, &why)) {
    if (found != markets) {
      if (error)
        *error = dir + " holds state for " + std::to_string(found) + " markets, the engine has " + std::to_string(markets);
      return false;
    }
    return true;
  }
  const std::string path = dir + "/swlab.meta";
  {
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << "swlab-state 1\nmarkets " << markets << "\n";
    out.flush();
    if (!out) {
      if (error) *error = "cannot write " + path + ".tmp";
      return false;
    }
  }
  std::filesystem::rename(path + ".tmp", path, ec);
  if (ec) {
    if (error) *error = "cannot rename " + path + ".tmp: " + ec.message();
    return false;
  }
  return true;
}

}  // namespace swlab::lab5
