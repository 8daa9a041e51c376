#pragma once
// The demo app's settings, read once at start from its environment (the
// platform sets them from the `demo` profile). Plain values.

#include <string>

#include "core/status.h"

namespace md::demo {

struct DemoConfig {
  std::string socket_path;     // SOCKET (required): the unix socket the app listens on
  std::string database_url;    // DATABASE_URL; secret (holds a password): never log it
  std::string admin_password;  // ADMIN_PASSWORD; secret; empty refuses every login
  std::string project_dir;     // MELTANO_PROJECT_ROOT, else the current directory
  std::string version;         // DEMO_VERSION, else VersionFromExecutable()
};

// InvalidArgument naming the variable when SOCKET is missing or too long.
Result<DemoConfig> ConfigFromEnvironment();

// The version this binary was installed as: for .../app/V/bin/meltanodata-demo
// (symlinks resolved), "V". "dev" when it does not run from a `bin` directory.
std::string VersionFromExecutable();

// The version's health never passes: for testing health gates and rollbacks.
bool IsUnhealthyVersion(const std::string& version);

}  // namespace md::demo
