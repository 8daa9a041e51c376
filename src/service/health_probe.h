#pragma once
// HealthProbe: asks a tenant's app whether it is healthy, over HTTP on the
// app's unix socket. An interface so that unit tests of plans need no server.

#include <sys/types.h>

#include <string>

namespace md {

class HealthProbe {
 public:
  virtual ~HealthProbe() = default;
  // GET PATH on the unix socket `socket_path`, which must be served by a
  // process of `owner` (a path swapped for a link to another tenant's socket
  // does not count); returns the HTTP status, or 0 with `error` set when
  // nothing (or the wrong process) answered.
  virtual int Get(const std::string& socket_path, uid_t owner, const std::string& path, std::string* error) = 0;
};

// The real probe, with short timeouts. Thread-safe.
class UnixHealthProbe final : public HealthProbe {
 public:
  int Get(const std::string& socket_path, uid_t owner, const std::string& path, std::string* error) override;
};

}  // namespace md
