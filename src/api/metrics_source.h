#pragma once
// MetricsSource: the controller's metrics, a page in the Prometheus text
// exposition format, gathered when asked (GET /metrics). Thread-safe.

#include <string>

#include "core/status.h"

namespace md {

class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  virtual Result<std::string> Exposition() = 0;
};

}  // namespace md
