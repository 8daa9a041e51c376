#pragma once
// PostgresFixture: a throwaway PostgreSQL cluster for tests: initdb into a
// temporary folder, pg_ctl start on a free loopback port, stop and remove it
// at the end. As root, the cluster runs as the system user `meltanodata-test-pg`.
// Compile postgres_fixture.cc into the test binary (md_add_gtest SOURCES).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace md::test {

class PostgresFixture {
 public:
  // Starts a new cluster (a few seconds).
  static Result<std::unique_ptr<PostgresFixture>> Start();
  ~PostgresFixture();  // Stop()
  PostgresFixture(const PostgresFixture&) = delete;
  PostgresFixture& operator=(const PostgresFixture&) = delete;

  // Stops the server (immediate mode) and removes its folder; idempotent.
  Status Stop();

  // The superuser `postgres` over TCP: postgresql://postgres:PW@127.0.0.1:PORT/postgres.
  const std::string& admin_url() const { return admin_url_; }
  const std::string& password() const { return password_; }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

 private:
  PostgresFixture() = default;
  std::vector<std::string> AsPgUser(std::vector<std::string> argv) const;

  std::string bin_dir_;
  std::string dir_;
  std::string admin_url_;
  std::string password_;
  int port_ = 0;
  bool as_root_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool running_ = false;
};

// One cluster shared by the whole test program: started on first use and
// stopped when the program's tests end. Null (and the reason in `error`) if it cannot start.
PostgresFixture* SharedPostgres(std::string* error = nullptr);

// A TCP port on 127.0.0.1 that nothing listens on at the moment.
int FreeTcpPort();

// The PostgreSQL server binaries (`pg_config --bindir`, else Debian's 15).
std::string PostgresBinDir();

}  // namespace md::test
