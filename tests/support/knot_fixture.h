#pragma once
// KnotFixture: a throwaway Knot DNS server for tests: one zone and a TSIG key
// allowed to update it, in a temporary folder, with `knotd` run in the
// foreground as a child of the test on a free 127.0.0.1 port (UDP and TCP).
// The destructor stops it and removes the folder. Not thread-safe.
// Compile knot_fixture.cc into the test binary (md_add_gtest SOURCES).

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace md::test {

struct KnotOptions {
  std::string zone = "example.test";
  std::string algorithm = "hmac-sha256";  // of both keys
};

class KnotFixture {
 public:
  // Writes the zone and the configuration and starts knotd (well under a second).
  static Result<std::unique_ptr<KnotFixture>> Start(KnotOptions options = {});
  ~KnotFixture();
  KnotFixture(const KnotFixture&) = delete;
  KnotFixture& operator=(const KnotFixture&) = delete;

  // Stops knotd (SIGTERM, then SIGKILL after 10 s) and keeps its files; idempotent.
  void Stop();
  // Starts knotd again on the same port with the same files (the zone keeps
  // its updates, which Knot holds in its journal).
  Status Restart();

  // `kdig +short` over TCP for (name, type): one line per record, sorted
  // (TXT values in double quotes).
  Result<std::vector<std::string>> Dig(const std::string& name, const std::string& type) const;
  // What knotd has logged so far, for failure messages.
  std::string Log() const;

  const std::string& server() const { return server_; }  // 127.0.0.1
  int port() const { return port_; }
  const std::string& zone() const { return options_.zone; }
  const std::string& algorithm() const { return options_.algorithm; }
  const std::string& key_name() const { return key_name_; }
  const std::string& secret() const { return secret_; }  // base64
  // A second key knotd knows, which no ACL lets update the zone.
  const std::string& other_key_name() const { return other_key_name_; }
  const std::string& other_secret() const { return other_secret_; }
  const std::string& dir() const { return dir_; }

 private:
  KnotFixture() = default;
  Status WriteFiles();
  // Starts knotd and waits until it answers for the zone.
  Status Launch();

  KnotOptions options_;
  std::string dir_;
  std::string server_ = "127.0.0.1";
  int port_ = 0;
  std::string key_name_ = "md-update";
  std::string secret_;
  std::string other_key_name_ = "md-other";
  std::string other_secret_;
  pid_t pid_ = -1;
};

}  // namespace md::test
