#pragma once
// UnixServer: cpp-httplib's server (0.11 binds only TCP) listening on a unix
// socket instead — how tenant apps are served (the demo app; test upstreams).
// Thread-safety as httplib::Server.

#include <httplib.h>

#include <string>

namespace md {

class UnixServer : public httplib::Server {
 public:
  // Binds `path` (a stale socket there is replaced; anything else is not),
  // mode 0660, and listens. False with `error` set on failure.
  bool BindUnix(const std::string& path, std::string* error);
};

}  // namespace md
