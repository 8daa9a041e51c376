#pragma once
// EmbeddedCluster: the controller's own PostgreSQL under DATA/postgres, run
// as the Supervisor's service "postgres" so that it outlives the controller.
// Ensure() is idempotent; call it from one thread at a time (controller start).
// Holds a reference to the Supervisor, which must outlive it.

#include <sys/types.h>

#include <string>

#include "core/status.h"
#include "drivers/supervisor/supervisor.h"

namespace md {

struct EmbeddedClusterOptions {
  std::string bin_dir;                     // empty: `pg_config --bindir`, else /usr/lib/postgresql/15/bin
  std::string os_user = "meltanodata-pg";  // created and used when the controller runs as root
  int port = 0;                            // 0: a free port in [15432, 20000) at random, chosen once and kept
  int ready_timeout_ms = 30000;            // how long Ensure waits for the cluster to answer
};

class EmbeddedCluster {
 public:
  static constexpr const char* kServiceName = "postgres";

  EmbeddedCluster(Supervisor& supervisor, std::string data_dir, EmbeddedClusterOptions options = {});

  // Creates whatever is missing (OS user, initdb, config, service), waits
  // until the cluster answers, and returns the superuser's admin URL
  // (postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres). Never log it.
  Result<std::string> Ensure();

  // DATA/postgres: data/, run/ (sockets), port, superuser.password.
  std::string dir() const { return data_dir_ + "/postgres"; }

 private:
  struct OsUser {
    uid_t uid = 0;
    gid_t gid = 0;
  };
  Result<OsUser> EnsureOsUser();
  Result<std::string> FindBinDir();
  Result<int> EnsurePort(uid_t uid, gid_t gid);

  Supervisor& supervisor_;
  std::string data_dir_;
  EmbeddedClusterOptions options_;
};

}  // namespace md
