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

// In the upstream of a route whose one host is "*.NAME": the label a
// request's host has before NAME. One such route serves every subdomain, each
// at its own socket, so an instance that comes or goes changes nothing in the
// proxy. It takes only labels of [a-z0-9-] (no '-' first or last); a
// subdomain whose socket directory (the upstream's path up to the label) does
// not exist is answered 404, one whose app does not answer 502.
inline constexpr std::string_view kSubdomainToken = "{subdomain}";

struct ProxyRoute {
  // Lower-case LDH names of at least two labels (or "localhost");
  // "*.example.com" covers one label. An exact name wins over a wildcard
  // that also matches.
  std::vector<std::string> hosts;
  // "unix/" + the app's socket path; with a wildcard host, it may hold
  // kSubdomainToken once, as a whole directory name: "unix/ROOT/{subdomain}/REST".
  std::string upstream;
  // The upstream gets the client's address in X-Forwarded-For, set by the
  // proxy alone (whatever the client sent in it is dropped).
  bool forward_client_address = false;
  // False: a new upstream connection for each request, none kept idle (an
  // upstream that closes idle connections at will would fail requests sent
  // on one just as it closes).
  bool reuse_connections = true;
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

// A kSubdomainToken upstream's parts: unix/ROOT/{subdomain}/REST for *.DOMAIN.
struct SubdomainUpstream {
  std::string root;
  std::string rest;
  std::string domain;
};
// InvalidArgument unless `route` is one wildcard host and a well-formed
// kSubdomainToken upstream.
Result<SubdomainUpstream> SplitSubdomainUpstream(const ProxyRoute& route);

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
