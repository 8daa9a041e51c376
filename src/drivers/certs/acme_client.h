#pragma once
// AcmeClient: the AcmeIssuer over a real ACME server (RFC 8555): ES256
// account key on disk, newOrder, dns-01/http-01 through the caller's
// solver, finalize with a fresh P-256 key, download. Thread-safe: orders
// run one at a time. No private key is ever logged or put in an error.

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/certs/acme_connection.h"
#include "drivers/certs/acme_http.h"
#include "drivers/certs/acme_issuer.h"
#include "drivers/certs/jws.h"

namespace md {

struct AcmeSettings {
  std::string directory_url;      // https://…/directory
  std::string ca_file;            // PEM roots trusted for the server's TLS; empty: the system's
  std::string account_key_path;   // the account's P-256 key (PEM), created 0600 if absent (in an existing folder)
  std::string contact_email;      // optional
  int timeout_ms = 30000;         // per HTTP exchange
  int poll_interval_ms = 1000;    // between polls when the server sends no Retry-After
  int max_poll_wait_ms = 30000;   // a longer Retry-After is cut to this
  int order_timeout_ms = 300000;  // an order not done by then fails Unavailable
};

class AcmeClient final : public AcmeIssuer {
 public:
  // `http` null: a CurlTransport with the settings' ca_file and timeout.
  explicit AcmeClient(AcmeSettings settings, std::unique_ptr<HttpTransport> http = nullptr);

  OrderOutcome Order(const std::vector<std::string>& names, ChallengeSolver& solver) override;
  Result<std::optional<int64_t>> SuggestedRenewalMs(const CertificateBundle& bundle) override;

  // The account's URL (its kid), finding or creating the account first.
  Result<std::string> AccountUrl();

 private:
  struct Challenge;  // one authorization to prove

  Status Login();
  Result<CertificateBundle> RunOrder(const std::vector<std::string>& names, ChallengeSolver& solver, Status& cleanup);
  Result<std::vector<Challenge>> PendingChallenges(const nlohmann::json& order, const ChallengeSolver& solver);
  Status Prove(const std::vector<Challenge>& challenges, ChallengeSolver& solver, std::vector<Challenge>& presented);
  // POST-as-GETs `url` until its status is neither pending nor processing.
  Result<nlohmann::json> Poll(const std::string& what, const std::string& url);

  const AcmeSettings settings_;
  std::mutex mu_;  // serializes everything below
  std::unique_ptr<HttpTransport> http_;
  AcmeConnection conn_;
  std::optional<AccountKey> key_;
  std::chrono::steady_clock::time_point deadline_;  // of the running order
};

}  // namespace md
