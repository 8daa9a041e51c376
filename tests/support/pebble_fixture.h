#pragma once
// PebbleFixture: a throwaway ACME CA for tests: Pebble 2.4 on free loopback
// ports with its own TLS certificate, and pebble-challtestsrv as the DNS
// server its validation uses (every name resolves to 127.0.0.1; TXT records
// set through its API). Optionally a fault-injecting HTTPS proxy in front
// (acme_fault_proxy.py). Everything is stopped and removed by the destructor.
// Compile pebble_fixture.cc and postgres_fixture.cc (FreeTcpPort) into the test.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace md::test {

struct PebbleOptions {
  int nonce_reject_percent = 0;  // PEBBLE_WFE_NONCEREJECT
  int authz_reuse_percent = 0;   // PEBBLE_AUTHZREUSE
};

// A background process with its output in a log file; killed by the destructor.
class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                     const std::vector<std::string>& env, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  bool running();

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
};

class PebbleFixture {
 public:
  // Starts challtestsrv and Pebble and waits until both answer (about a second).
  static Result<std::unique_ptr<PebbleFixture>> Start(PebbleOptions options = {});
  ~PebbleFixture();
  PebbleFixture(const PebbleFixture&) = delete;
  PebbleFixture& operator=(const PebbleFixture&) = delete;

  std::string directory_url() const { return "https://127.0.0.1:" + std::to_string(acme_port_) + "/dir"; }
  // The PEM certificate that Pebble and the proxy serve: the CA file a client trusts.
  const std::string& ca_file() const { return ca_file_; }
  const std::string& dir() const { return dir_; }  // temporary, removed at the end
  int http01_port() const { return http01_port_; }  // where Pebble fetches http-01 responses

  // challtestsrv's mock DNS: adds a TXT value to `host` (FQDN, with the final
  // dot), or removes all of its values.
  Status AddTxt(const std::string& host, const std::string& value);
  Status ClearTxt(const std::string& host);

  // Pebble's issuing root and intermediate (PEM) from its management API.
  Result<std::string> RootPem() const;
  Result<std::string> IntermediatePem() const;

  // Starts acme_fault_proxy.py in front of Pebble: HTTPS with ca_file()'s
  // certificate, passing everything through except newOrder, answered 429
  // rateLimited with Retry-After: 120; its directory adds renewalInfo, whose
  // answers are a fixed window (2030-01-01T00:00:00Z to 2030-01-02T00:00:00Z)
  // and whose requested ids are appended to proxy_ari_log(). Returns its directory URL.
  Result<std::string> StartFaultProxy();
  std::string proxy_ari_log() const { return dir_ + "/ari-ids.log"; }

 private:
  PebbleFixture() = default;
  Result<std::string> ManagementGet(const std::string& path) const;

  std::string dir_;
  std::string ca_file_;
  int acme_port_ = 0;
  int management_port_ = 0;
  int http01_port_ = 0;
  int dns_port_ = 0;
  int challtest_port_ = 0;
  std::unique_ptr<ChildProcess> challtestsrv_;
  std::unique_ptr<ChildProcess> pebble_;
  std::unique_ptr<ChildProcess> proxy_;
};

}  // namespace md::test
