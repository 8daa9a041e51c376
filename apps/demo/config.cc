#include "config.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/unix_http.h"

namespace md::demo {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

std::string VersionFromExecutable() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) return "dev";
  std::filesystem::path bin = exe.parent_path();
  if (bin.filename() != "bin" || bin.parent_path().filename().empty()) return "dev";
  return bin.parent_path().filename().string();
}

bool IsUnhealthyVersion(const std::string& version) { return version.find("unhealthy") != std::string::npos; }

Result<DemoConfig> ConfigFromEnvironment() {
  DemoConfig config;
  config.socket_path = Env("SOCKET");
  if (config.socket_path.empty()) return InvalidArgument("SOCKET is not set");
  if (config.socket_path.size() > kMaxUnixSocketPath) {
    return InvalidArgument("SOCKET is longer than " + std::to_string(kMaxUnixSocketPath) + " bytes");
  }
  config.database_url = Env("DATABASE_URL");
  config.admin_password = Env("ADMIN_PASSWORD");
  config.project_dir = Env("MELTANO_PROJECT_ROOT");
  if (config.project_dir.empty()) {
    std::error_code ec;
    config.project_dir = std::filesystem::current_path(ec).string();
    if (ec) return InvalidArgument("MELTANO_PROJECT_ROOT is not set and the current directory is unknown");
  }
  config.version = Env("DEMO_VERSION");
  if (config.version.empty()) config.version = VersionFromExecutable();
  return config;
}

}  // namespace md::demo
