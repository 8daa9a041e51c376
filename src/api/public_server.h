#pragma once
// PublicServer: what the internet reaches of the controller, through the
// front door only — POST /v1/signup (the signed webhook) and
// GET|POST /v1/credentials/TOKEN (the single-use credential page). It listens
// on a unix socket that only the front proxy can connect to (its folder's
// mode and group), so the client address the proxy sets in X-Forwarded-For
// is trusted, and nothing else is served there. Does not own `endpoints`.
// Start/Stop from one thread; handlers run concurrently.

#include <memory>
#include <string>
#include <thread>

#include "api/public_endpoints.h"
#include "api/signup_payload.h"
#include "core/status.h"

namespace md {

class UnixServer;

struct PublicServerSettings {
  std::string socket_path;
  // The webhook's shared secret; empty: signups are refused (503), since
  // nothing could be verified.
  std::string signup_secret;
  SignupFieldRefs refs;
};

class PublicServer {
 public:
  PublicServer(PublicEndpoints& endpoints, PublicServerSettings settings);
  ~PublicServer();  // Stops.
  PublicServer(const PublicServer&) = delete;
  PublicServer& operator=(const PublicServer&) = delete;

  // Binds the socket (mode 0660: its folder decides who may connect) and serves in the background.
  Status Start();
  void Stop();  // idempotent

 private:
  void InstallRoutes();

  PublicEndpoints& endpoints_;
  const PublicServerSettings settings_;
  std::unique_ptr<UnixServer> server_;
  std::thread thread_;
};

// The client's address from the proxy's X-Forwarded-For: its last element,
// the one the front proxy itself wrote. "" if there is none.
std::string ClientAddressFromHeader(const std::string& x_forwarded_for);

}  // namespace md
