#include "measure/machine_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

namespace swlab {

namespace {

std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 256> buf{};
  while (fgets(buf.data(), buf.size(), p)) out += buf.data();
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        return v;
      }
    }
  }
  return "unknown";
}

// The kernel's own answer where it has one, else whether /proc/cpuinfo counts more
// logical CPUs per package ("siblings") than cores ("cpu cores").
int smt_state() {
  if (std::ifstream active("/sys/devices/system/cpu/smt/active"); active) {
    int v = -1;
    if (active >> v) return v ? 1 : 0;
  }
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  long siblings = -1, cores = -1;
  while (std::getline(in, line) && (siblings < 0 || cores < 0)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (line.rfind("siblings", 0) == 0) siblings = std::atol(line.c_str() + colon + 1);
    if (line.rfind("cpu cores", 0) == 0) cores = std::atol(line.c_str() + colon + 1);
  }
  if (siblings <= 0 || cores <= 0) return -1;
  return siblings > cores ? 1 : 0;
}

// "GNU 12.2.0" -> "gcc12", "Clang 14.0.6" -> "clang14".
std::string compiler_tag(const std::string& compiler) {
  const auto space = compiler.find(' ');
  std::string name = compiler.substr(0, space), major;
  if (space != std::string::npos)
    for (std::size_t i = space + 1; i < compiler.size() && std::isdigit(static_cast<unsigned char>(compiler[i])); ++i)
      major += compiler[i];
  if (name == "GNU") name = "gcc";
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string tag;
  for (char c : name + major)
    if (std::isalnum(static_cast<unsigned char>(c))) tag += c;
  return tag.empty() ? "cc" : tag;
}

}  // namespace

MachineInfo collect_machine_info(const std::string& label) {
  MachineInfo m;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  m.hostname = host;
  m.cpu_model = cpu_model();
  m.logical_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  utsname u{};
  if (uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  m.compiler = SWLAB_COMPILER;
  m.build_type = SWLAB_BUILD_TYPE;
  m.build_flags = SWLAB_BUILD_FLAGS;
  // The commit of the source tree the binary was built from, if it is still there
  // (it is not on a machine the build folder was copied to): then the commit
  // recorded when the build was configured.
  m.git_commit = run_command("git -C '" SWLAB_SOURCE_DIR "' describe --always --dirty --abbrev=7 2>/dev/null");
  if (m.git_commit.empty()) m.git_commit = SWLAB_CONFIGURED_COMMIT;
  if (m.git_commit.empty()) m.git_commit = "unknown";
  if (const std::string suffix = "-dirty"; m.git_commit.size() > suffix.size() &&
                                           m.git_commit.compare(m.git_commit.size() - suffix.size(), suffix.size(),
                                                                suffix) == 0) {
    m.git_commit.resize(m.git_commit.size() - suffix.size());
    m.git_dirty = true;
  }
  m.label = label;
  m.smt = smt_state();
  return m;
}

MachineState sample_machine_state() {
  MachineState s;
  s.time = utc_timestamp();
  std::ifstream load("/proc/loadavg");
  bool ok = static_cast<bool>(load >> s.loadavg[0] >> s.loadavg[1] >> s.loadavg[2]);
  std::ifstream stat("/proc/stat");
  std::string cpu;
  uint64_t v[8] = {};  // user nice system idle iowait irq softirq steal
  if (stat >> cpu && cpu == "cpu") {
    for (uint64_t& x : v) stat >> x;
    if (stat) {
      for (uint64_t x : v) s.total_ticks += x;
      s.steal_ticks = v[7];
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  s.ok = ok;
  return s;
}

double steal_fraction(const MachineState& from, const MachineState& to) {
  if (!from.ok || !to.ok || to.total_ticks <= from.total_ticks) return -1;
  return static_cast<double>(to.steal_ticks - from.steal_ticks) / static_cast<double>(to.total_ticks - from.total_ticks);
}

std::string results_dir_name(const MachineInfo& m) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  // "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" -> "Intel-Xeon-Platinum-8375C"
  std::string model = m.cpu_model;
  for (const char* mark : {"(R)", "(r)", "(TM)", "(tm)"})
    for (auto p = model.find(mark); p != std::string::npos; p = model.find(mark))
      model.erase(p, std::string(mark).size());
  std::string cpu, word;
  auto flush = [&] {
    bool noise = word.empty() || word == "CPU" || word == "Processor" ||
                 word.find("GHz") != std::string::npos || word.find("-Core") != std::string::npos;
    if (!noise) cpu += (cpu.empty() ? "" : "-") + word;
    word.clear();
  };
  for (char c : model) {
    if (c == ' ' || c == '@') {
      flush();
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      word += c;
    }
  }
  flush();
  if (cpu.empty()) cpu = "cpu";
  const std::string smt = m.smt < 0 ? "smtx" : "smt" + std::to_string(m.smt);
  return std::string(date) + "." + cpu + "." + std::to_string(m.logical_cpus) + "c." + smt + "." +
         compiler_tag(m.compiler) + "." + m.git_commit + (m.git_dirty ? "-dirty" : "");
}

std::string utc_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace swlab
