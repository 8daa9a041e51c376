#include "drivers/mail/fake_mailer.h"

namespace md {

Status FakeMailer::Send(const std::string& from, const std::string& to, const std::string& message) {
  std::lock_guard lock(mu_);
  if (failures_ > 0) {
    --failures_;
    return failure_;
  }
  sent_.push_back({from, to, message});
  return Status::Ok();
}

std::vector<FakeMailer::Sent> FakeMailer::sent() {
  std::lock_guard lock(mu_);
  return sent_;
}

void FakeMailer::FailNext(int n, Status status) {
  std::lock_guard lock(mu_);
  failures_ = n;
  failure_ = std::move(status);
}

}  // namespace md
