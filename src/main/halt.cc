#include "main/halt.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/data_dir.h"
#include "core/files.h"
#include "core/process.h"
#include "main/serve_pid.h"
#include "main/server_config.h"

namespace md {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kControllerGrace = std::chrono::seconds(60);  // running steps finish first
constexpr auto kServicesGrace = std::chrono::seconds(60);    // s6 waits for each service's own timeout
constexpr auto kLeftoverGrace = std::chrono::seconds(5);

std::string ReadProc(pid_t pid, const char* what) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + what);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Live processes (not zombies) for which `match` holds.
std::vector<pid_t> Processes(const std::function<bool(pid_t)>& match) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    std::string stat = ReadProc(pid, "stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || stat.size() < paren + 3 || stat[paren + 2] == 'Z') continue;
    if (match(pid)) out.push_back(pid);
  }
  return out;
}

// s6-svscan of `scan` and the s6-supervise processes it started (their
// working directory is the scan dir).
std::vector<pid_t> SupervisionTree(const std::string& scan) {
  return Processes([&](pid_t pid) {
    std::string args = ReadProc(pid, "cmdline");
    std::string argv0 = fs::path(args.substr(0, args.find('\0'))).filename().string();
    if (argv0 == "s6-svscan") return args.find(std::string(1, '\0') + scan + '\0') != std::string::npos;
    if (argv0 != "s6-supervise") return false;
    std::error_code ec;
    std::string cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec).string();
    return !ec && (cwd == scan || cwd.rfind(scan + "/", 0) == 0);
  });
}

// Processes in a cgroup of this data dir's tenants (any hierarchy).
std::vector<pid_t> TenantProcesses(const std::string& data_dir) {
  const std::string group = "/meltanodata-" + DataDirTag(data_dir) + "/";
  return Processes([&](pid_t pid) { return ReadProc(pid, "cgroup").find(group) != std::string::npos; });
}

bool WaitUntil(const std::function<bool()>& done, Clock::duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "error: halt: %s\n", message.c_str());
  return 1;
}

}  // namespace

int RunHalt(int argc, char** argv) {
  auto config = ParseServeArgs(argc, argv);
  if (!config.ok()) return std::fprintf(stderr, "error: %s\n", config.status().message().c_str()), 2;
  const std::string& data_dir = config->data_dir;
  if (!PathExists(data_dir)) return std::fprintf(stderr, "error: halt: no data dir %s\n", data_dir.c_str()), 3;

  if (pid_t pid = RunningServePid(data_dir); pid > 0) {
    if (kill(pid, SIGTERM) != 0) return Fail("cannot signal the controller (pid " + std::to_string(pid) + "): run as its user");
    if (!WaitUntil([pid] { return kill(pid, 0) != 0; }, kControllerGrace)) {
      return Fail("the controller (pid " + std::to_string(pid) + ") did not stop within 60 s");
    }
    std::printf("stopped the controller (pid %d)\n", pid);
  }

  const std::string scan = data_dir + "/services";
  if (!SupervisionTree(scan).empty()) {
    auto r = RunProcess({"s6-svscanctl", "-t", scan});
    if (!r.ok() || r->exit_code != 0) {
      return Fail("s6-svscanctl -t " + scan + " failed" + (r.ok() ? ": " + LastLine(r->output) : ""));
    }
    if (!WaitUntil([&] { return SupervisionTree(scan).empty(); }, kServicesGrace)) {
      return Fail("the services under " + scan + " did not all stop within 60 s");
    }
    std::printf("stopped every service under %s and its supervisor\n", scan.c_str());
  }

  // What an app left behind (a daemonised child) is still in its cgroup.
  std::vector<pid_t> left = TenantProcesses(data_dir);
  if (!left.empty()) {
    for (pid_t pid : left) kill(pid, SIGTERM);
    if (!WaitUntil([&] { return TenantProcesses(data_dir).empty(); }, kLeftoverGrace)) {
      for (pid_t pid : TenantProcesses(data_dir)) kill(pid, SIGKILL);
      WaitUntil([&] { return TenantProcesses(data_dir).empty(); }, kLeftoverGrace);
    }
    std::printf("stopped %zu leftover tenant processes\n", left.size());
  }
  if (!TenantProcesses(data_dir).empty()) return Fail("tenant processes would not stop");
  std::printf("halted %s; `meltanodata serve` starts it all again\n", data_dir.c_str());
  return 0;
}

}  // namespace md
