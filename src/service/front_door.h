#pragma once
// FrontDoor: what the shared HTTPS proxy must serve, computed from the store
// — one route for every SUB.DOMAIN, each to its own instance's socket at the
// waker (DATA/front/SUB/http.sock, kSubdomainToken), which relays to the app
// and wakes it when idle; each custom domain of an instance with a route in
// the ledger → that socket; every stored certificate; and the HTTP-01 challenges
// being answered — and pushed to it in one change. An instance that comes or
// goes changes none of it, so the proxy is not reloaded: only custom domains
// and certificates change its configuration. Concurrent Sync calls are
// coalesced into one Apply that covers them all. Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/certs/cert_files.h"
#include "drivers/proxy/front_proxy.h"
#include "store/store.h"

namespace md {

struct FrontDoorSettings {
  std::string domain = "localhost";  // instances answer at SUB.DOMAIN
  int https_port = 8443;
  std::string data_dir;  // where the waker's sockets are (Layout::front_socket)
  // The controller's public endpoints (signup webhook, credential pages),
  // served at DOMAIN itself; empty: DOMAIN is not routed.
  std::string public_socket;
};

class FrontDoor {
 public:
  // `files` holds the stored certificates' files (read only).
  FrontDoor(Store& store, FrontProxy& proxy, CertFiles& files, FrontDoorSettings settings);

  // Makes the proxy serve the store's current state; returns once a change
  // that includes every write made before the call has been applied.
  Status Sync();

  // Whether instance `sub` has its route in the ledger and the proxy serves
  // the subdomains' route.
  Result<bool> Serves(const std::string& sub);

  // HTTP-01 answers for custom domains; applied by the next Sync.
  void AddChallenge(const HttpChallenge& challenge);
  void RemoveChallenge(const std::string& host, const std::string& token);

  std::string HostOf(const std::string& sub) const { return sub + "." + settings_.domain; }
  // https://SUB.DOMAIN/ (with the port unless it is 443).
  std::string UrlOf(const std::string& sub) const;
  const FrontDoorSettings& settings() const { return settings_; }

 private:
  Result<ProxyConfig> Desired();
  // Whether `sub` has its route in the ledger.
  Result<bool> Routed(const std::string& sub);

  Store& store_;
  FrontProxy& proxy_;
  CertFiles& files_;
  const FrontDoorSettings settings_;

  std::mutex challenges_mu_;
  std::vector<HttpChallenge> challenges_;  // guarded by challenges_mu_

  std::mutex apply_mu_;     // one Apply at a time
  std::mutex counter_mu_;
  uint64_t requested_ = 0;  // Sync calls so far; guarded by counter_mu_
  uint64_t applied_ = 0;    // requests covered by the last Apply; guarded by apply_mu_
  Status last_;             // its result; guarded by apply_mu_
  std::optional<ProxyConfig> serving_;  // what the proxy was last given, if it took it; guarded by apply_mu_
};

}  // namespace md
