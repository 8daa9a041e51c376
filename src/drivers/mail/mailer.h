#pragma once
// Mailer: hands a finished RFC 5322 message to a mail system — an outbox
// folder (OutboxMailer), an SMTP server (SmtpMailer), or a recording fake
// (FakeMailer). No policy: retries and what to send are the caller's.
// Implementations are thread-safe.

#include <string>

#include "core/status.h"

namespace md {

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Sends `message` (CRLF lines, from BuildMessage) from envelope sender
  // `from` to the single recipient `to`. Unavailable: nothing was accepted,
  // try again later (server down, a 4xx answer); any other error is
  // permanent for this message (login refused, recipient refused).
  virtual Status Send(const std::string& from, const std::string& to, const std::string& message) = 0;
  // One line naming where mail goes ("outbox DIR", "smtp://HOST:PORT"), never a secret.
  virtual std::string Describe() const = 0;
};

}  // namespace md
