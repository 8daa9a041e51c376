#pragma once
// A small HTTP/1.0 client over a unix socket: one request, the answer read to
// its end (capped). Tenant apps listen only on unix sockets, so this is how
// the health gate (and the tests) reach them. No shared state: thread-safe.

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "core/status.h"

namespace md {

// The longest path a unix socket can have: sizeof(sockaddr_un::sun_path)
// less its terminating NUL.
inline constexpr size_t kMaxUnixSocketPath = 107;

struct UnixHttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query
  std::string body;
  std::string content_type;  // sent with a body
  int timeout_ms = 3000;     // for the whole exchange
  // When set, the process listening on the socket must run as this uid
  // (SO_PEERCRED): a socket path swapped for a link to another tenant's
  // socket is refused.
  std::optional<uid_t> peer_uid;
  size_t max_bytes = 1 << 20;  // a longer answer is an error
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

// A non-blocking socket connected to `socket_path` within `timeout_ms`;
// with `peer_uid`, the process listening must run as it (SO_PEERCRED).
// Unavailable when nothing listens there, FailedPrecondition when the peer
// is another user.
Result<int> ConnectUnixSocket(const std::string& socket_path, std::optional<uid_t> peer_uid, int timeout_ms);

// Unavailable when nothing answers in time (no socket, refused, timed out),
// FailedPrecondition when the peer is not `peer_uid`, Internal when the
// answer is not HTTP or too long.
Result<HttpAnswer> SendUnixHttp(const std::string& socket_path, const UnixHttpRequest& request);

}  // namespace md
