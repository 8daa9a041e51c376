#pragma once
// OutboxMailer: the embedded default mail system — each message becomes a
// file DIR/TIME-RANDOM.eml (0600, written atomically) in a folder only the
// controller reads (0700), for an operator or a test to pick up.

#include <string>

#include "drivers/mail/mailer.h"

namespace md {

class OutboxMailer final : public Mailer {
 public:
  explicit OutboxMailer(std::string dir) : dir_(std::move(dir)) {}
  // A full disk or missing permission is Unavailable (it may pass).
  Status Send(const std::string& from, const std::string& to, const std::string& message) override;
  std::string Describe() const override { return "outbox " + dir_; }

 private:
  const std::string dir_;
};

}  // namespace md
