#include "drivers/proxy/fake_front_proxy.h"

namespace md {

Status FakeFrontProxy::Apply(const ProxyConfig& config) {
  std::lock_guard<std::mutex> lock(mutex_);
  MD_RETURN_IF_ERROR(ValidateProxyConfig(config));
  if (down_) return Unavailable("fake proxy is down");
  if (fail_next_) {
    Status failure = *fail_next_;
    fail_next_.reset();
    return failure;
  }
  if (serving_ != config) {
    serving_ = config;
    ++changes_;
  }
  return Status::Ok();
}

Status FakeFrontProxy::Ping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return down_ ? Unavailable("fake proxy is down") : Status::Ok();
}

void FakeFrontProxy::FailNext(Status status) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_next_ = std::move(status);
}

void FakeFrontProxy::SetDown(bool down) {
  std::lock_guard<std::mutex> lock(mutex_);
  down_ = down;
}

std::optional<ProxyConfig> FakeFrontProxy::serving() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return serving_;
}

int FakeFrontProxy::changes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return changes_;
}

}  // namespace md
