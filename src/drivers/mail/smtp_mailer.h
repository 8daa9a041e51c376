#pragma once
// SmtpMailer: sends through an SMTP server with libcurl — STARTTLS when asked
// (required then, never silently skipped), AUTH when a username is given.
// The password is never logged nor quoted in an error. Thread-safe: one
// connection per Send.

#include <string>

#include "drivers/mail/mailer.h"

namespace md {

struct SmtpSettings {
  std::string host;
  int port = 25;
  std::string username;  // empty: no AUTH
  std::string password;
  bool starttls = true;
  std::string ca_file;   // roots for the server's certificate; empty: the system's
  int timeout_ms = 30000;
};

class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
  Status Send(const std::string& from, const std::string& to, const std::string& message) override;
  std::string Describe() const override;

 private:
  const SmtpSettings settings_;
};

}  // namespace md
