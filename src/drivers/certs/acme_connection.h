#pragma once
// AcmeConnection: the request layer of RFC 8555 for one ACME server: the
// directory, nonces, JWS-signed POSTs (retried on badNonce) and problem
// documents turned into one-line Status values. Not thread-safe (AcmeClient
// serializes); borrows the transport and the account key.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"
#include "drivers/certs/acme_http.h"
#include "drivers/certs/jws.h"

namespace md {

struct AcmeReply {
  int status = 0;
  std::string location;         // the Location header
  int64_t retry_after_ms = -1;  // the Retry-After header from now; -1 if absent
  std::string body;
  nlohmann::json json;  // the body if it is JSON, else null
};

class AcmeConnection {
 public:
  AcmeConnection(HttpTransport& http, std::string directory_url);

  // The URL named `name` in the directory (fetched once); Internal if absent.
  Result<std::string> Endpoint(const std::string& name);
  // Whether the directory names `name`.
  Result<bool> HasEndpoint(const std::string& name);

  // Finds or creates the account of `key` (newAccount, terms of service
  // agreed; the same key finds the same account), whose URL then signs (kid)
  // every request. `key` must outlive the connection.
  Status Login(const AccountKey& key, const std::string& contact_email);
  const std::string& account_url() const { return kid_; }

  // POSTs `payload` (nullopt: POST-as-GET) to `url`, signed by the account;
  // `what` names the request in errors. A badNonce is retried with a fresh
  // nonce, a few times.
  Result<AcmeReply> Post(const std::string& what, const std::string& url, const std::optional<nlohmann::json>& payload);
  // An unsigned GET.
  Result<AcmeReply> Get(const std::string& what, const std::string& url);

  // The Retry-After (ms, 0 if none) of the last rateLimited problem since ClearRateLimit.
  std::optional<int64_t> rate_limit() const { return rate_limit_; }
  void ClearRateLimit() { rate_limit_.reset(); }

 private:
  Result<const nlohmann::json*> Directory();
  // The transport's exchange; its error says which request failed.
  Result<HttpResponse> Send(const std::string& what, const std::string& method, const std::string& url,
                            const std::string& body);
  Result<std::string> TakeNonce();
  // OK for a 2xx reply; otherwise the problem as a Status (a rate limit recorded).
  Status Check(const std::string& what, const AcmeReply& reply);

  HttpTransport& http_;
  const std::string directory_url_;
  std::optional<nlohmann::json> directory_;
  const AccountKey* key_ = nullptr;
  std::string kid_;
  std::string nonce_;  // from the last reply, unused yet
  std::optional<int64_t> rate_limit_;
};

}  // namespace md
