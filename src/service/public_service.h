#pragma once
// PublicService: the public endpoints (api/public_endpoints.h) — a signup is
// checked against the rate limits, stored, then admitted as a create through
// the Controller, or rejected with an email to the customer; a credential
// link shows the initial password once. Thread-safe: signups are handled one
// at a time, so one event delivered twice at once is admitted once.

#include <mutex>

#include "api/controller.h"
#include "api/public_endpoints.h"
#include "core/audit.h"
#include "service/customer_mail.h"
#include "service/front_door.h"
#include "service/secrets.h"
#include "service/signup_limiter.h"
#include "store/store.h"

namespace md {

struct PublicServiceSettings {
  std::string app = "demo";  // the app a signup gets
};

class PublicService final : public PublicEndpoints {
 public:
  // `secrets`: where the initial admin password is opened; `audit`: where
  // each signup and each password shown is recorded (actor "signup").
  PublicService(Store& store, Secrets secrets, Audit& audit, Controller& controller, CustomerMail& mail,
                FrontDoor& door, SignupLimiter& limiter, PublicServiceSettings settings);

  Result<SignupReceipt> Signup(const SignupRequest& request) override;
  Result<CredentialView> Credentials(const std::string& token, bool reveal,
                                     const std::string& client_address) override;

 private:
  // Admits a stored signup's instance or rejects it; updates the record.
  Status Admit(md::Signup& signup);
  // Records an event of the signup flow in the audit log.
  void Record(const std::string& action, const std::string& subdomain, const std::string& client, int status,
              const std::string& outcome);

  Store& store_;
  Secrets secrets_;
  Audit& audit_;
  Controller& controller_;
  CustomerMail& mail_;
  FrontDoor& door_;
  SignupLimiter& limiter_;
  const PublicServiceSettings settings_;
  std::mutex signup_mu_;
};

}  // namespace md
