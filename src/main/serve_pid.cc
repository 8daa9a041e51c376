#include "main/serve_pid.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/files.h"

namespace md {

std::string ServePidPath(const std::string& data_dir) { return data_dir + "/serve.pid"; }

Status WriteServePid(const std::string& data_dir) {
  return WriteFileAtomic(ServePidPath(data_dir), std::to_string(getpid()) + "\n", 0644);
}

void RemoveServePid(const std::string& data_dir) {
  // Only our own: a second serve that failed to start must not remove the first's.
  std::ifstream in(ServePidPath(data_dir));
  long pid = 0;
  if (in >> pid && pid == getpid()) std::remove(ServePidPath(data_dir).c_str());
}

pid_t RunningServePid(const std::string& data_dir) {
  std::ifstream in(ServePidPath(data_dir));
  long pid = 0;
  if (!(in >> pid) || pid <= 1) return 0;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::stringstream ss;
  ss << cmdline.rdbuf();
  std::string args = ss.str();
  std::string argv0 = args.substr(0, args.find('\0'));
  std::string argv1 = args.size() > argv0.size() ? args.substr(argv0.size() + 1) : "";
  argv1 = argv1.substr(0, argv1.find('\0'));
  if (std::filesystem::path(argv0).filename().string().rfind("meltanodata", 0) != 0 || argv1 != "serve") return 0;
  return static_cast<pid_t>(pid);
}

}  // namespace md
