#pragma once
// PublicService: the public endpoints (api/public_endpoints.h) — a signup is
// checked against the rate limits, stored, then admitted as a create through
// the Controller, or rejected with an email to the customer; a credential
// link shows the initial password once. Thread-safe: signups are handled one
// at a time, so one event delivered twice at once is admitted once.

#include <mutex>

#include "api/controller.h"
#include "api/public_endpoints.h"
#include "service/customer_mail.h"
#include "service/front_door.h"
#include "service/signup_limiter.h"
#include "store/store.h"

namespace md {

struct PublicServiceSettings {
  std::string app = "demo";  // the app a signup gets
};

class PublicService final : public PublicEndpoints {
 public:
  PublicService(Store& store, Controller& controller, CustomerMail& mail, FrontDoor& door, SignupLimiter& limiter,
                PublicServiceSettings settings);

  Result<SignupReceipt> Signup(const SignupRequest& request) override;
  Result<CredentialView> Credentials(const std::string& token, bool reveal) override;

 private:
  // Admits a stored signup's instance or rejects it; updates the record.
  Status Admit(md::Signup& signup);

  Store& store_;
  Controller& controller_;
  CustomerMail& mail_;
  FrontDoor& door_;
  SignupLimiter& limiter_;
  const PublicServiceSettings settings_;
  std::mutex signup_mu_;
};

}  // namespace md
