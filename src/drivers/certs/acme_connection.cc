#include "drivers/certs/acme_connection.h"

#include <curl/curl.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

#include "core/clock.h"
#include "core/validate.h"

namespace md {
namespace {

using json = nlohmann::json;

constexpr int kBadNonceAttempts = 10;
constexpr const char* kErrorPrefix = "urn:ietf:params:acme:error:";

// Retry-After: delay-seconds or an HTTP date; ms from now, -1 if absent or unreadable.
int64_t RetryAfterMs(const std::string& value) {
  if (value.empty()) return -1;
  char* end = nullptr;
  long long secs = strtoll(value.c_str(), &end, 10);
  if (end != value.c_str() && *end == '\0') return secs < 0 ? 0 : secs * 1000;
  time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  int64_t ms = static_cast<int64_t>(when) * 1000 - NowMs();
  return ms < 0 ? 0 : ms;
}

AcmeReply Parse(const HttpResponse& response) {
  AcmeReply reply;
  reply.status = response.status;
  reply.location = response.Header("location");
  reply.retry_after_ms = RetryAfterMs(response.Header("retry-after"));
  reply.body = response.body;
  const std::string type = response.Header("content-type");
  if (type.rfind("application/json", 0) == 0 || type.rfind("application/problem+json", 0) == 0) {
    reply.json = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (reply.json.is_discarded()) reply.json = nullptr;
  }
  return reply;
}

bool Ok(const AcmeReply& reply) { return reply.status >= 200 && reply.status < 300; }

// The problem type of a failed reply ("" if it is not a problem document).
std::string ProblemType(const AcmeReply& reply) {
  if (Ok(reply) || !reply.json.is_object()) return "";
  auto type = reply.json.find("type");
  return type != reply.json.end() && type->is_string() ? type->get<std::string>() : "";
}

}  // namespace

AcmeConnection::AcmeConnection(HttpTransport& http, std::string directory_url)
    : http_(http), directory_url_(std::move(directory_url)) {}

Status AcmeConnection::Check(const std::string& what, const AcmeReply& reply) {
  if (Ok(reply)) return Status::Ok();
  const std::string type = ProblemType(reply);
  std::string text = "ACME " + what + ": ";
  if (!type.empty()) {
    text += type;
    auto detail = reply.json.find("detail");
    if (detail != reply.json.end() && detail->is_string()) text += ": " + ForMessage(detail->get<std::string>(), 300);
  } else {
    text += ForMessage(reply.body, 120);
  }
  text += " (HTTP " + std::to_string(reply.status) + ")";
  const std::string name = type.rfind(kErrorPrefix, 0) == 0 ? type.substr(strlen(kErrorPrefix)) : "";
  if (name == "rateLimited" || reply.status == 429) {
    rate_limit_ = reply.retry_after_ms < 0 ? 0 : reply.retry_after_ms;
    return Unavailable(text);
  }
  if (reply.status >= 500 || name == "serverInternal" || name == "badNonce") return Unavailable(text);
  if (name == "rejectedIdentifier" || name == "unsupportedIdentifier" || name == "invalidContact" ||
      name == "unsupportedContact") {
    return InvalidArgument(text);
  }
  return FailedPrecondition(text);
}

Result<HttpResponse> AcmeConnection::Send(const std::string& what, const std::string& method,
                                          const std::string& url, const std::string& body) {
  auto response = http_.Send(method, url, body);
  if (!response.ok()) return response.status().WithContext("ACME " + what);
  return response;
}

Result<AcmeReply> AcmeConnection::Get(const std::string& what, const std::string& url) {
  MD_ASSIGN_OR_RETURN(HttpResponse response, Send(what, "GET", url, ""));
  AcmeReply reply = Parse(response);
  MD_RETURN_IF_ERROR(Check(what, reply));
  return reply;
}

Result<const json*> AcmeConnection::Directory() {
  if (!directory_) {
    MD_ASSIGN_OR_RETURN(AcmeReply reply, Get("directory", directory_url_));
    if (!reply.json.is_object()) return Internal("ACME directory " + directory_url_ + " is not a JSON object");
    directory_ = std::move(reply.json);
  }
  return &*directory_;
}

Result<bool> AcmeConnection::HasEndpoint(const std::string& name) {
  MD_ASSIGN_OR_RETURN(const json* dir, Directory());
  auto it = dir->find(name);
  return it != dir->end() && it->is_string();
}

Result<std::string> AcmeConnection::Endpoint(const std::string& name) {
  MD_ASSIGN_OR_RETURN(bool has, HasEndpoint(name));
  if (!has) return Internal("ACME directory " + directory_url_ + " has no " + name);
  return (*directory_)[name].get<std::string>();
}

Result<std::string> AcmeConnection::TakeNonce() {
  if (nonce_.empty()) {
    MD_ASSIGN_OR_RETURN(std::string url, Endpoint("newNonce"));
    MD_ASSIGN_OR_RETURN(HttpResponse response, Send("newNonce", "HEAD", url, ""));
    MD_RETURN_IF_ERROR(Check("newNonce", Parse(response)));
    nonce_ = response.Header("replay-nonce");
    if (nonce_.empty()) return Internal("ACME newNonce: no Replay-Nonce in the reply");
  }
  return std::exchange(nonce_, "");
}

Status AcmeConnection::Login(const AccountKey& key, const std::string& contact_email) {
  key_ = &key;
  kid_.clear();
  MD_ASSIGN_OR_RETURN(std::string url, Endpoint("newAccount"));
  json payload = {{"termsOfServiceAgreed", true}};
  if (!contact_email.empty()) payload["contact"] = json::array({"mailto:" + contact_email});
  MD_ASSIGN_OR_RETURN(AcmeReply reply, Post("newAccount", url, payload));
  if (reply.location.empty()) return Internal("ACME newAccount: no account URL in the reply");
  kid_ = reply.location;
  return Status::Ok();
}

Result<AcmeReply> AcmeConnection::Post(const std::string& what, const std::string& url,
                                       const std::optional<json>& payload) {
  if (key_ == nullptr) return Internal("ACME " + what + " before login");
  for (int attempt = 1;; ++attempt) {
    MD_ASSIGN_OR_RETURN(std::string nonce, TakeNonce());
    json header = {{"nonce", nonce}, {"url", url}};
    if (kid_.empty()) {
      header["jwk"] = key_->jwk();
    } else {
      header["kid"] = kid_;
    }
    MD_ASSIGN_OR_RETURN(std::string jws, key_->Sign(header, payload ? payload->dump() : ""));
    MD_ASSIGN_OR_RETURN(HttpResponse response, Send(what, "POST", url, jws));
    nonce_ = response.Header("replay-nonce");
    AcmeReply reply = Parse(response);
    if (attempt < kBadNonceAttempts && ProblemType(reply) == std::string(kErrorPrefix) + "badNonce") continue;
    MD_RETURN_IF_ERROR(Check(what, reply));
    return reply;
  }
}

}  // namespace md
