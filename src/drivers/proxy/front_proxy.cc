#include "drivers/proxy/front_proxy.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/unix_http.h"
#include "core/validate.h"

namespace md {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsBase64Url(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'; }

bool AllOf(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

bool IsLdhLabel(std::string_view label) {
  return !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
         AllOf(label, [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// "unix/" + an absolute socket path of [A-Za-z0-9._/-] without "..", short
// enough for sockaddr_un (Caddy's dial address of a unix socket).
bool IsUnixUpstream(std::string_view upstream) {
  constexpr std::string_view kPrefix = "unix/";
  if (!upstream.starts_with(kPrefix)) return false;
  std::string_view path = upstream.substr(kPrefix.size());
  if (path.size() < 2 || path.size() > kMaxUnixSocketPath || path[0] != '/' || path.find("..") != std::string_view::npos) {
    return false;
  }
  return AllOf(path, [](char c) { return IsBase64Url(c) || c == '.' || c == '/'; });
}

bool IsPemBlock(const std::string& pem) {
  return pem.find("-----BEGIN ") != std::string::npos && pem.find("-----END ") != std::string::npos;
}

bool IsTag(std::string_view tag) {
  return !tag.empty() && tag.size() <= 64 && AllOf(tag, [](char c) { return IsBase64Url(c) || c == '.'; });
}

Status ValidateChallenge(const HttpChallenge& c) {
  MD_RETURN_IF_ERROR(ValidateProxyHost(c.host, false).WithContext("challenge"));
  if (c.token.empty() || c.token.size() > 256 || !AllOf(c.token, IsBase64Url)) {
    return InvalidArgument("challenge token for " + c.host + " is not base64url");
  }
  std::string_view rest(c.key_authorization);
  if (!rest.starts_with(c.token + ".") || rest.size() == c.token.size() + 1 || rest.size() > 512 ||
      !AllOf(rest.substr(c.token.size() + 1), IsBase64Url)) {
    return InvalidArgument("key authorization for " + c.host + " is not TOKEN.THUMBPRINT");
  }
  return Status::Ok();
}

}  // namespace

Result<SubdomainUpstream> SplitSubdomainUpstream(const ProxyRoute& route) {
  const std::string token = "/" + std::string(kSubdomainToken) + "/";
  size_t at = route.upstream.find(token);
  if (route.hosts.size() != 1 || !route.hosts[0].starts_with("*.") || at == std::string::npos ||
      route.upstream.find(kSubdomainToken, at + token.size()) != std::string::npos) {
    return InvalidArgument("upstream '" + ForMessage(route.upstream) + "' may hold " + std::string(kSubdomainToken) +
                           " only once, as a directory, in the route of one wildcard host");
  }
  // Checked as it would be with the longest subdomain in place of the token.
  std::string longest = route.upstream.substr(0, at + 1) + std::string(63, 'a') + route.upstream.substr(at + token.size() - 1);
  if (!IsUnixUpstream(longest)) {
    return InvalidArgument("upstream '" + ForMessage(route.upstream) + "' is not unix/ and a plain absolute path");
  }
  constexpr size_t kUnix = std::string_view("unix/").size();
  return SubdomainUpstream{.root = route.upstream.substr(kUnix, at - kUnix),
                           .rest = route.upstream.substr(at + token.size()),
                           .domain = route.hosts[0].substr(2)};
}

Status ValidateProxyHost(std::string_view host, bool allow_wildcard) {
  std::string_view name = host;
  if (allow_wildcard && name.starts_with("*.")) name.remove_prefix(2);
  size_t labels = 0;
  bool ok = !name.empty() && name.size() <= 253;
  for (size_t start = 0; ok && start <= name.size(); ++labels) {
    size_t dot = std::min(name.find('.', start), name.size());
    ok = IsLdhLabel(name.substr(start, dot - start));
    start = dot + 1;
  }
  // localhost (RFC 6761) is the one name of one label: the controller's own
  // host with the embedded defaults.
  if (!ok || (labels < 2 && name != "localhost")) {
    return InvalidArgument("host '" + ForMessage(host) + "' is not a lower-case name of two or more labels" +
                           (allow_wildcard ? " (optionally '*.' first)" : ""));
  }
  return Status::Ok();
}

Status ValidateProxyConfig(const ProxyConfig& config) {
  std::set<std::string> hosts;
  for (const ProxyRoute& route : config.routes) {
    if (route.hosts.empty()) return InvalidArgument("route to " + ForMessage(route.upstream) + " has no host");
    for (const std::string& host : route.hosts) {
      MD_RETURN_IF_ERROR(ValidateProxyHost(host, true));
      if (!hosts.insert(host).second) return InvalidArgument("host " + host + " is routed twice");
    }
    if (route.upstream.find(kSubdomainToken) != std::string::npos) {
      MD_RETURN_IF_ERROR(SplitSubdomainUpstream(route).status());
      continue;
    }
    if (!IsUnixUpstream(route.upstream)) {
      return InvalidArgument("upstream '" + ForMessage(route.upstream) + "' is not unix/ and a plain absolute path");
    }
  }
  for (size_t i = 0; i < config.certificates.size(); ++i) {
    const ProxyCertificate& cert = config.certificates[i];
    std::string which = "certificate " + std::to_string(i);
    if (!IsPemBlock(cert.cert_pem)) return InvalidArgument(which + " has no PEM certificate");
    if (!IsPemBlock(cert.key_pem)) return InvalidArgument(which + " has no PEM key");
    for (const std::string& tag : cert.tags) {
      if (!IsTag(tag)) return InvalidArgument(which + " has a tag that is not 1-64 of [A-Za-z0-9._-]");
    }
  }
  std::set<std::pair<std::string, std::string>> challenges;
  for (const HttpChallenge& c : config.challenges) {
    MD_RETURN_IF_ERROR(ValidateChallenge(c));
    if (!challenges.emplace(c.host, c.token).second) {
      return InvalidArgument("challenge " + c.token + " for " + c.host + " is given twice");
    }
  }
  return Status::Ok();
}

}  // namespace md
