#pragma once
// Settings of `meltanodata serve`: flags, then an optional TOML --config
// file, then the embedded defaults.

#include <string>

#include "core/status.h"

namespace md {

struct ServerConfig {
  std::string data_dir;              // default: /var/lib/meltanodata as root, else XDG data home
  std::string listen_host = "127.0.0.1";
  int listen_port = 8600;
  std::string profiles_dir;          // override dir for app profiles; empty: embedded only
  int port_base = 20000;             // tenant apps' loopback ports
  int port_count = 10000;
  int embedded_cluster_capacity = 100;
  int health_timeout_s = 600;        // upper bound on a profile's own health timeout
  int step_max_attempts = 12;        // tries of a step that fails transiently (backoff 0.2 s doubling to 5 s)
  int backup_retention_days = 7;     // backups older than this are removed (checked at start, then hourly)
};

// Parses `serve` arguments (argv[0] is "serve"). InvalidArgument on bad usage.
Result<ServerConfig> ParseServeArgs(int argc, char** argv);

}  // namespace md
