#pragma once
// HealthProbe: asks a tenant's app whether it is healthy, over HTTP on
// loopback. An interface so that unit tests of plans need no server.

#include <string>

namespace md {

class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  // GET http://127.0.0.1:PORT/PATH; returns the HTTP status, or 0 with
  // `error` set when nothing answered.
  virtual int Get(int port, const std::string& path, std::string* error) = 0;
};

// The real probe: cpp-httplib with short timeouts. Thread-safe.
class HttpHealthProbe final : public HealthProbe {
 public:
  int Get(int port, const std::string& path, std::string* error) override;
};

}  // namespace md
