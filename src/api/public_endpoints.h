#pragma once
// PublicEndpoints: what the controller offers the internet through the front
// door — the signup webhook and the customer's single-use credential page.
// The public server (api/public_server.h) checks signatures and shapes and
// calls these; the service implements them. Thread-safe.

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/types.h"

namespace md {

// A signup as the webhook delivered it, its signature already checked.
struct SignupRequest {
  std::string event_id;  // the form tool's id of the event; the same id twice is one signup
  std::string name;
  std::string email;
  std::string subdomain;       // as typed (trimmed, lower-cased); may be invalid
  std::string client_address;  // from the front door's X-Forwarded-For
};

// What became of a delivery.
struct SignupReceipt {
  int64_t signup_id = 0;      // 0 when rate-limited (nothing stored)
  std::string state;          // Signup::state, or "rate_limited"
  int64_t operation_id = 0;   // the instance's create operation, if admitted
  std::string error;          // when rejected: advice for the customer (never the operator's error)
  bool duplicate = false;     // this event had been delivered before
  int64_t retry_after_s = 0;  // when rate-limited
};

// The credential page of one link.
struct CredentialView {
  // "ready" (valid, not shown yet: the page asks to reveal), "shown" (this
  // request revealed it: `password` is set), "already_shown", "expired",
  // "unknown" (no such link, or replaced by a newer one).
  std::string state;
  std::string url;       // the instance's public URL
  std::string username;  // the app's admin user
  std::string password;  // only when state is "shown"
  // SFTP and FTPS (sftp_port 0: off); its password only when "shown".
  FileAccessInfo files;
  std::string files_password;
};

class PublicEndpoints {
 public:
  virtual ~PublicEndpoints() = default;
  // Stores the signup, then admits its instance (or rejects it and emails the
  // customer why). A known event id answers what the first delivery got.
  virtual Result<SignupReceipt> Signup(const SignupRequest& request) = 0;
  // The link's state; with `reveal`, shows the password if no one has yet.
  // `client_address`: from the front door's X-Forwarded-For (for the audit log).
  virtual Result<CredentialView> Credentials(const std::string& token, bool reveal,
                                             const std::string& client_address) = 0;
};

}  // namespace md
