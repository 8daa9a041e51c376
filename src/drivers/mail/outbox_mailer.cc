#include "drivers/mail/outbox_mailer.h"

#include "core/clock.h"
#include "core/files.h"
#include "core/random.h"

namespace md {

Status OutboxMailer::Send(const std::string&, const std::string&, const std::string& message) {
  Status s = EnsureDirectory(dir_, 0700);
  if (s.ok()) s = WriteFileAtomic(dir_ + "/" + std::to_string(NowMs()) + "-" + RandomHex(6) + ".eml", message, 0600);
  if (!s.ok()) return Unavailable("outbox: " + s.message());
  return Status::Ok();
}

}  // namespace md
