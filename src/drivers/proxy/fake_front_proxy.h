#pragma once
// FakeFrontProxy: a FrontProxy kept in memory, for unit tests. It validates
// as the real one does, serves the last config applied, counts the changes
// (re-applying the config served is not one) and can fail or be down on
// demand. Thread-safe (one mutex).

#include <mutex>
#include <optional>

#include "drivers/proxy/front_proxy.h"

namespace md {

class FakeFrontProxy final : public FrontProxy {
 public:
  FakeFrontProxy() = default;

  Status Apply(const ProxyConfig& config) override;
  Status Ping() override;

  // --- Test controls ---
  // The next Apply returns `status` and changes nothing.
  void FailNext(Status status);
  // While down, Ping and Apply are Unavailable (the config served is kept).
  void SetDown(bool down);
  // The config served; empty before the first successful Apply.
  std::optional<ProxyConfig> serving() const;
  // Successful Applies that changed the config served.
  int changes() const;

 private:
  mutable std::mutex mutex_;
  std::optional<ProxyConfig> serving_;
  std::optional<Status> fail_next_;
  bool down_ = false;
  int changes_ = 0;
};

}  // namespace md
