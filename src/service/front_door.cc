#include "service/front_door.h"

#include <algorithm>
#include <map>

#include "service/layout.h"

namespace md {
namespace {

// A PEM file's blocks of one kind ("CERTIFICATE" or "PRIVATE KEY"), in order.
std::string PemBlocks(const std::string& text, const std::string& kind) {
  const std::string begin = "-----BEGIN " + kind + "-----";
  const std::string end = "-----END " + kind + "-----";
  std::string out;
  size_t pos = 0;
  while ((pos = text.find(begin, pos)) != std::string::npos) {
    size_t stop = text.find(end, pos);
    if (stop == std::string::npos) break;
    out += text.substr(pos, stop + end.size() - pos) + "\n";
    pos = stop + end.size();
  }
  return out;
}

}  // namespace

FrontDoor::FrontDoor(Store& store, FrontProxy& proxy, CertFiles& files, FrontDoorSettings settings)
    : store_(store), proxy_(proxy), files_(files), settings_(std::move(settings)) {}

std::string FrontDoor::UrlOf(const std::string& sub) const {
  std::string port = settings_.https_port == 443 ? "" : ":" + std::to_string(settings_.https_port);
  return "https://" + HostOf(sub) + port + "/";
}

void FrontDoor::AddChallenge(const HttpChallenge& challenge) {
  std::lock_guard lock(challenges_mu_);
  challenges_.push_back(challenge);
}

void FrontDoor::RemoveChallenge(const std::string& host, const std::string& token) {
  std::lock_guard lock(challenges_mu_);
  std::erase_if(challenges_, [&](const HttpChallenge& c) { return c.host == host && c.token == token; });
}

Result<bool> FrontDoor::Routed(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> ledger, store_.ListLedger(sub));
  return std::any_of(ledger.begin(), ledger.end(), [](const LedgerEntry& e) { return e.kind == ResourceKind::kRoute; });
}

Result<ProxyConfig> FrontDoor::Desired() {
  ProxyConfig config;
  const Layout layout(settings_.data_dir);
  // Every instance at its own socket through one route: nothing here grows with the instances.
  // The waker closes an app's connections when it stops the app: none is kept idle.
  config.routes.push_back({.hosts = {"*." + settings_.domain},
                           .upstream = "unix/" + layout.front_socket(std::string(kSubdomainToken)),
                           .reuse_connections = false});
  MD_ASSIGN_OR_RETURN(std::vector<CustomDomain> domains, store_.ListCustomDomains(""));
  std::map<std::string, std::vector<std::string>> custom_hosts;  // by subdomain
  for (const CustomDomain& d : domains) custom_hosts[d.subdomain].push_back(d.host);
  for (auto& [sub, hosts] : custom_hosts) {
    MD_ASSIGN_OR_RETURN(bool routed, Routed(sub));
    if (routed) {
      config.routes.push_back(
          {.hosts = std::move(hosts), .upstream = "unix/" + layout.front_socket(sub), .reuse_connections = false});
    }
  }
  if (!settings_.public_socket.empty()) {
    config.routes.push_back({.hosts = {settings_.domain},
                             .upstream = "unix/" + settings_.public_socket,
                             .forward_client_address = true});
  }
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> certs, store_.ListCertificates());
  for (const CertRecord& c : certs) {
    if (c.cert_path.empty()) continue;
    auto pem = files_.Load({.cert_path = c.cert_path, .key_path = c.key_path});
    // A certificate whose files are gone is left out (the certificate
    // manager makes a new one); the rest keep being served.
    if (!pem.ok()) continue;
    config.certificates.push_back({.cert_pem = PemBlocks(pem->cert_pem, "CERTIFICATE"),
                                   .key_pem = pem->key_pem,
                                   .tags = {"md-" + std::to_string(c.id)}});
  }
  std::lock_guard lock(challenges_mu_);
  config.challenges = challenges_;
  return config;
}

Status FrontDoor::Sync() {
  uint64_t mine;
  {
    std::lock_guard lock(counter_mu_);
    mine = ++requested_;
  }
  std::lock_guard apply(apply_mu_);
  // Another caller's Apply started after this request: it covered it.
  if (applied_ >= mine) return last_;
  uint64_t covering;
  {
    std::lock_guard lock(counter_mu_);
    covering = requested_;
  }
  auto config = Desired();
  if (config.ok() && serving_ && *config == *serving_) {
    last_ = Status::Ok();  // the proxy serves it already: no reload
  } else {
    last_ = (config.ok() ? proxy_.Apply(*config) : config.status()).WithContext("front door");
    serving_.reset();
    if (last_.ok()) serving_ = std::move(*config);
  }
  applied_ = covering;
  return last_;
}

Result<bool> FrontDoor::Serves(const std::string& sub) {
  MD_ASSIGN_OR_RETURN(bool routed, Routed(sub));
  std::lock_guard apply(apply_mu_);
  return routed && serving_.has_value() && !serving_->routes.empty() &&
         serving_->routes.front().upstream.find(kSubdomainToken) != std::string::npos;
}

}  // namespace md
