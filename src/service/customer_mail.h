#pragma once
// CustomerMail: the emails a customer gets — the welcome (the instance's URL,
// the username, and a single-use link to the initial password) and the
// rejection of a signup that cannot be provisioned (why, and what to do).
// Each is sent by a step of a durable operation ("welcome", "signup-mail"),
// so a mail server that is down is retried with the runner's backoff and the
// attempts show in `ops`; it never fails the instance. A credential link's
// token is made fresh for each attempt and only its SHA-256 is stored.
// Thread-safe.

#include <cstdint>
#include <string>

#include "drivers/mail/mailer.h"
#include "drivers/mail/message.h"
#include "service/front_door.h"
#include "service/secrets.h"
#include "store/store.h"
#include "workflow/runner.h"

namespace md {

namespace op_kind {
inline constexpr const char* kWelcome = "welcome";         // params {"after": create op id} or {}
inline constexpr const char* kSignupMail = "signup-mail";  // params {"event": event id, "reason": ...}
}  // namespace op_kind

// Why a signup could not be provisioned; chooses the advice in the email.
enum class SignupRejection { kInvalidSubdomain, kSubdomainTaken, kNoCapacity };
const char* SignupRejectionName(SignupRejection r);  // "invalid", "taken", "full"
// What the customer is told for a reason named by SignupRejectionName (in
// the email and the webhook's answer): advice only, never the operator's
// error, which stays in the store (`signups list`). An unknown name gets a
// neutral text.
std::string SignupRejectionAdvice(const std::string& reason);

struct CustomerMailSettings {
  MailAddress from;
  int64_t link_validity_ms = 24 * 3600 * 1000LL;
  int welcome_max_attempts = 30;  // with the runner's backoff (to 5 s), a few minutes
};

class CustomerMail {
 public:
  // `secrets`: where the initial admin password is (opened only to check it is there).
  CustomerMail(Store& store, Secrets secrets, Mailer& mailer, FrontDoor& door, CustomerMailSettings settings);

  // The runner that runs the mail operations; set once, before any
  // operation runs (the runner is built from the plans that use this).
  void AttachRunner(Runner& runner) { runner_ = &runner; }

  // A step of create: submits the instance's welcome operation, once per
  // create operation `after_op` (safe to run again), and marks it pending.
  // Never fails the create: if it cannot be queued, the welcome state says
  // "failed" with why (status shows it; resend-welcome sends it).
  void QueueWelcome(const std::string& subdomain, int64_t after_op);
  // Submits a welcome operation now (resend-welcome).
  Result<Operation> ResendWelcome(const std::string& subdomain);
  // The step of a welcome operation: a fresh link, the mail built and sent.
  // Unavailable while the mail system is down (retried).
  Status SendWelcome(const std::string& subdomain);
  // When the welcome operation gives up: the instance's mail is "failed".
  void MarkWelcomeFailed(const std::string& subdomain, const Status& why);

  // Submits the email telling a rejected signup's customer why.
  Result<Operation> QueueRejection(const std::string& event_id, SignupRejection reason);
  // The step of a signup-mail operation.
  Status SendRejection(const std::string& event_id, const std::string& reason);

  int welcome_max_attempts() const { return settings_.welcome_max_attempts; }
  // https://DOMAIN[:PORT]: where the public endpoints are.
  std::string PublicBase() const;

 private:
  Status Deliver(const MailMessage& message);

  Store& store_;
  Secrets secrets_;
  Mailer& mailer_;
  FrontDoor& door_;
  const CustomerMailSettings settings_;
  Runner* runner_ = nullptr;
};

}  // namespace md
