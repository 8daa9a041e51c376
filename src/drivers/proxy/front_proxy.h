#pragma once
// FrontProxy: the TLS front door shared by every instance. It routes each
// host name to the loopback port of its app, serves the certificates it is
// given (it never obtains any itself) and answers ACME HTTP-01 challenges on
// the HTTP port. Level-based: Apply makes it serve exactly one whole config.

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace md {

struct ProxyRoute {
  // Lower-case LDH names of at least two labels (or "localhost");
  // "*.example.com" covers one label. An exact name wins over a wildcard
  // that also matches.
  std::vector<std::string> hosts;
  std::string upstream;  // "unix/" + the app's socket path
  // The upstream gets the client's address in X-Forwarded-For, set by the
  // proxy alone (whatever the client sent in it is dropped).
  bool forward_client_address = false;
  bool operator==(const ProxyRoute&) const = default;
};

// A certificate chain and its key; the proxy picks it by SNI. The key is a
// secret: it is never logged nor quoted in an error.
struct ProxyCertificate {
  std::string cert_pem;  // leaf first, then intermediates
  std::string key_pem;
  std::vector<std::string> tags;  // 1-64 of [A-Za-z0-9._-] each
  bool operator==(const ProxyCertificate&) const = default;
};

// GET http://HOST/.well-known/acme-challenge/TOKEN answers `key_authorization`.
struct HttpChallenge {
  std::string host;               // exact name, no wildcard
  std::string token;              // base64url
  std::string key_authorization;  // TOKEN.THUMBPRINT
  bool operator==(const HttpChallenge&) const = default;
};

struct ProxyConfig {
  std::vector<ProxyRoute> routes;
  std::vector<ProxyCertificate> certificates;
  std::vector<HttpChallenge> challenges;
  bool operator==(const ProxyConfig&) const = default;
};

// InvalidArgument (one line, no secret) unless every name, upstream, tag,
// token and PEM block is well-formed and no host is routed twice.
Status ValidateProxyConfig(const ProxyConfig& config);
Status ValidateProxyHost(std::string_view host, bool allow_wildcard);

// Thread-safe. Implementations: CaddyProxy, FakeFrontProxy.
class FrontProxy {
 public:
  virtual ~FrontProxy() = default;
  // Makes the running proxy serve exactly `config`, in one change and with
  // no restart: requests in flight complete and new connections are served
  // throughout. Applying the config already served changes nothing.
  // InvalidArgument (nothing applied) if ValidateProxyConfig refuses it;
  // Unavailable if the proxy does not answer; on any error the previous
  // config keeps being served.
  virtual Status Apply(const ProxyConfig& config) = 0;
  // Ok when the proxy's control interface answers, Unavailable if not.
  virtual Status Ping() = 0;
};

}  // namespace md
