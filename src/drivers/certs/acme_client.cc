#include "drivers/certs/acme_client.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

#include "core/validate.h"
#include "drivers/certs/ossl.h"

namespace md {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Runs `f`, turning a JSON exception (a reply without the expected shape) into Internal.
template <typename F>
auto CatchJson(F f) -> decltype(f()) {
  try {
    return f();
  } catch (const json::exception& e) {
    return Internal(std::string("ACME server sent an unexpected reply: ") + e.what());
  }
}

// "<type>: <detail>" of a problem document inside an object (a challenge's or an order's "error").
std::string ErrorText(const json& object) {
  auto error = object.find("error");
  if (error == object.end() || !error->is_object()) return "no error given";
  return error->value("type", "unknown problem") + ": " + ForMessage(error->value("detail", ""), 300);
}

// RFC 3339 (2025-01-02T03:04:05.678Z, or with an offset) to epoch ms; fractions are dropped.
std::optional<int64_t> ParseRfc3339Ms(const std::string& s) {
  tm t{};
  int n = 0;
  if (sscanf(s.c_str(), "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min,
             &t.tm_sec, &n) != 6) {
    return std::nullopt;
  }
  size_t i = static_cast<size_t>(n);
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && isdigit(static_cast<unsigned char>(s[i])); ++i) {
    }
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int hours = 0, minutes = 0;
    if (sscanf(s.c_str() + i + 1, "%2d:%2d", &hours, &minutes) != 2) return std::nullopt;
    offset_s = (s[i] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  t.tm_year -= 1900;
  t.tm_mon -= 1;
  return (static_cast<int64_t>(timegm(&t)) - offset_s) * 1000;
}

// The ARI certificate identifier: base64url(AKI key id) "." base64url(serial's DER value bytes).
Result<std::string> AriCertId(const std::string& cert_pem) {
  MD_ASSIGN_OR_RETURN(X509Ptr leaf, ReadCertPem(cert_pem));
  const ASN1_OCTET_STRING* key_id = X509_get0_authority_key_id(leaf.get());
  if (key_id == nullptr) return InvalidArgument("the certificate has no authority key identifier");
  std::string serial;
  int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(leaf.get()), nullptr);
  serial.resize(len > 0 ? static_cast<size_t>(len) : 0);
  auto* p = reinterpret_cast<unsigned char*>(serial.data());
  // Serials are at most 20 bytes: the DER header is a tag and a one-byte length.
  if (len < 3 || i2d_ASN1_INTEGER(X509_get0_serialNumber(leaf.get()), &p) != len) {
    return InvalidArgument("the certificate's serial cannot be encoded");
  }
  return Base64Url(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(key_id)),
                                    static_cast<size_t>(ASN1_STRING_length(key_id)))) +
         "." + Base64Url(std::string_view(serial).substr(2));
}

}  // namespace

struct AcmeClient::Challenge {
  std::string identifier;  // as ordered, "*." included
  std::string authz_url;
  std::string url;
  std::string type;
  std::string domain;  // without "*."
  std::string token;
  std::string value;  // what the solver publishes
};

AcmeClient::AcmeClient(AcmeSettings settings, std::unique_ptr<HttpTransport> http)
    : settings_(std::move(settings)),
      http_(http ? std::move(http) : std::make_unique<CurlTransport>(settings_.ca_file, settings_.timeout_ms)),
      conn_(*http_, settings_.directory_url) {}

Status AcmeClient::Login() {
  if (!key_) {
    if (!settings_.contact_email.empty()) MD_RETURN_IF_ERROR(ValidateEmail(settings_.contact_email));
    MD_ASSIGN_OR_RETURN(AccountKey key, AccountKey::LoadOrCreate(settings_.account_key_path));
    key_.emplace(std::move(key));
  }
  if (conn_.account_url().empty()) MD_RETURN_IF_ERROR(conn_.Login(*key_, settings_.contact_email));
  return Status::Ok();
}

Result<std::string> AcmeClient::AccountUrl() {
  std::lock_guard lock(mu_);
  MD_RETURN_IF_ERROR(CatchJson([&] { return Login(); }));
  return conn_.account_url();
}

OrderOutcome AcmeClient::Order(const std::vector<std::string>& names, ChallengeSolver& solver) {
  std::lock_guard lock(mu_);
  conn_.ClearRateLimit();
  deadline_ = Clock::now() + std::chrono::milliseconds(settings_.order_timeout_ms);
  OrderOutcome out;
  auto bundle = CatchJson([&] { return RunOrder(names, solver, out.cleanup); });
  if (bundle.ok()) {
    out.bundle = std::move(bundle).value();
  } else {
    out.status = bundle.status();
    if (auto retry_after_ms = conn_.rate_limit()) {
      out.rate_limited = true;
      out.retry_after_ms = *retry_after_ms;
    }
  }
  return out;
}

Result<CertificateBundle> AcmeClient::RunOrder(const std::vector<std::string>& names, ChallengeSolver& solver,
                                               Status& cleanup) {
  MD_RETURN_IF_ERROR(ValidateCertNames(names));
  MD_RETURN_IF_ERROR(Login());
  json identifiers = json::array();
  for (const auto& name : names) identifiers.push_back({{"type", "dns"}, {"value", name}});
  MD_ASSIGN_OR_RETURN(std::string new_order, conn_.Endpoint("newOrder"));
  MD_ASSIGN_OR_RETURN(AcmeReply order, conn_.Post("newOrder", new_order, json{{"identifiers", identifiers}}));
  if (order.location.empty()) return Internal("ACME newOrder: no order URL in the reply");
  const std::string order_url = order.location;

  MD_ASSIGN_OR_RETURN(std::vector<Challenge> challenges, PendingChallenges(order.json, solver));
  std::vector<Challenge> presented;
  Status proved = CatchJson([&] { return Prove(challenges, solver, presented); });
  for (const auto& c : presented) {
    Status s = solver.CleanUp(c.type, c.domain, c.token, c.value);
    if (cleanup.ok() && !s.ok()) cleanup = s.WithContext("cleaning up " + c.type + " for " + c.identifier);
  }
  MD_RETURN_IF_ERROR(proved);

  MD_ASSIGN_OR_RETURN(json ready, Poll("order", order_url));
  if (ready.value("status", "") != "ready") {
    return FailedPrecondition("ACME order is " + ready.value("status", "") + ", not ready: " + ErrorText(ready));
  }
  MD_ASSIGN_OR_RETURN(KeyAndCsr key_and_csr, MakeKeyAndCsr(names));
  MD_RETURN_IF_ERROR(conn_.Post("finalize", ready.at("finalize"), json{{"csr", Base64Url(key_and_csr.csr_der)}})
                         .status());
  MD_ASSIGN_OR_RETURN(json done, Poll("order", order_url));
  if (done.value("status", "") != "valid") {
    return FailedPrecondition("ACME order is " + done.value("status", "") + " after finalize: " + ErrorText(done));
  }
  MD_ASSIGN_OR_RETURN(AcmeReply cert, conn_.Post("certificate", done.at("certificate"), std::nullopt));
  auto bundle = InspectPem(cert.body, key_and_csr.key_pem);
  if (!bundle.ok()) return Internal("ACME certificate: " + bundle.status().message());
  for (const auto& name : names) {
    if (std::find(bundle->names.begin(), bundle->names.end(), name) == bundle->names.end()) {
      return Internal("ACME certificate lacks " + name);
    }
  }
  return bundle;
}

Result<std::vector<AcmeClient::Challenge>> AcmeClient::PendingChallenges(const json& order,
                                                                         const ChallengeSolver& solver) {
  std::vector<Challenge> out;
  for (const auto& authz_url : order.at("authorizations")) {
    MD_ASSIGN_OR_RETURN(AcmeReply authz, conn_.Post("authorization", authz_url, std::nullopt));
    const json& a = authz.json;
    Challenge c;
    c.authz_url = authz_url;
    c.domain = a.at("identifier").at("value");
    c.identifier = (a.value("wildcard", false) ? "*." : "") + c.domain;
    const std::string status = a.value("status", "");
    if (status == "valid") continue;  // reused from an earlier order
    if (status != "pending") return FailedPrecondition("ACME authorization of " + c.identifier + " is " + status);
    for (const char* type : {kDns01, kHttp01}) {
      if (!solver.Supports(type)) continue;
      auto it = std::find_if(a.at("challenges").begin(), a.at("challenges").end(),
                             [&](const json& ch) { return ch.value("type", "") == type; });
      if (it == a.at("challenges").end()) continue;
      c.type = type;
      c.url = it->at("url");
      c.token = it->at("token");
      const std::string key_authorization = c.token + "." + key_->thumbprint();
      c.value = c.type == kDns01 ? Base64Url(Sha256(key_authorization)) : key_authorization;
      break;
    }
    if (c.type.empty()) {
      std::string offered;
      for (const auto& ch : a.at("challenges")) offered += (offered.empty() ? "" : ", ") + ch.value("type", "?");
      return FailedPrecondition("no supported ACME challenge for " + c.identifier + " (offered: " + offered + ")");
    }
    out.push_back(std::move(c));
  }
  return out;
}

Status AcmeClient::Prove(const std::vector<Challenge>& challenges, ChallengeSolver& solver,
                         std::vector<Challenge>& presented) {
  // Everything is published before any check starts: a name and its wildcard
  // share one DNS name, and a CA may check any record at any time after.
  for (const auto& c : challenges) {
    presented.push_back(c);
    MD_RETURN_IF_ERROR(solver.Present(c.type, c.domain, c.token, c.value)
                           .WithContext("presenting " + c.type + " for " + c.identifier));
  }
  for (const auto& c : challenges) {
    MD_RETURN_IF_ERROR(conn_.Post("challenge", c.url, json::object()).status());
  }
  for (const auto& c : challenges) {
    MD_ASSIGN_OR_RETURN(json authz, Poll("authorization", c.authz_url));
    const std::string status = authz.value("status", "");
    if (status == "valid") continue;
    std::string why = "no challenge error given";
    for (const auto& ch : authz.value("challenges", json::array())) {
      if (ch.contains("error")) why = ch.value("type", "?") + ": " + ErrorText(ch);
    }
    return FailedPrecondition("ACME authorization of " + c.identifier + " is " + status + ": " + why);
  }
  return Status::Ok();
}

Result<json> AcmeClient::Poll(const std::string& what, const std::string& url) {
  while (true) {
    MD_ASSIGN_OR_RETURN(AcmeReply reply, conn_.Post(what, url, std::nullopt));
    const std::string status = reply.json.value("status", "");
    if (status != "pending" && status != "processing") return std::move(reply.json);
    auto wait = std::chrono::milliseconds(reply.retry_after_ms >= 0
                                              ? std::min<int64_t>(reply.retry_after_ms, settings_.max_poll_wait_ms)
                                              : settings_.poll_interval_ms);
    if (Clock::now() + wait > deadline_) {
      return Unavailable("ACME " + what + " still " + status + " after " +
                         std::to_string(settings_.order_timeout_ms / 1000) + " s");
    }
    std::this_thread::sleep_for(wait);
  }
}

Result<std::optional<int64_t>> AcmeClient::SuggestedRenewalMs(const CertificateBundle& bundle) {
  std::lock_guard lock(mu_);
  return CatchJson([&]() -> Result<std::optional<int64_t>> {
    MD_ASSIGN_OR_RETURN(bool offered, conn_.HasEndpoint("renewalInfo"));
    if (!offered) return std::optional<int64_t>();
    MD_ASSIGN_OR_RETURN(std::string base, conn_.Endpoint("renewalInfo"));
    MD_ASSIGN_OR_RETURN(std::string id, AriCertId(bundle.cert_pem));
    if (base.empty() || base.back() != '/') base += '/';
    MD_ASSIGN_OR_RETURN(AcmeReply reply, conn_.Get("renewalInfo", base + id));
    const json& window = reply.json.at("suggestedWindow");
    auto start = ParseRfc3339Ms(window.at("start"));
    auto end = ParseRfc3339Ms(window.at("end"));
    if (!start || !end || *end < *start) return Internal("ACME renewalInfo: unreadable suggestedWindow");
    std::random_device random;
    return std::optional<int64_t>(std::uniform_int_distribution<int64_t>(*start, *end)(random));
  });
}

}  // namespace md
