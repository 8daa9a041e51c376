#include "core/unix_http.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace md {
namespace {

using Clock = std::chrono::steady_clock;

// Closes the descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// Waits until `fd` is ready for `events`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  while (true) {
    int r = poll(&p, 1, RemainingMs(deadline));
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

Status Connect(int fd, const std::string& path, Clock::time_point deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  static_assert(kMaxUnixSocketPath + 1 == sizeof(addr.sun_path));
  if (path.empty() || path.size() > kMaxUnixSocketPath) {
    return InvalidArgument("socket path must be 1-" + std::to_string(kMaxUnixSocketPath) + " bytes: " + path);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return Status::Ok();
  // A unix socket whose backlog is full answers EAGAIN; wait, then retry once.
  if (errno == EAGAIN && WaitFor(fd, POLLOUT, deadline) &&
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    return Status::Ok();
  }
  return Unavailable("cannot connect to " + path + ": " + std::strerror(errno));
}

Status SendAll(int fd, const std::string& data, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN && WaitFor(fd, POLLOUT, deadline)) continue;
    return Unavailable(std::string("sending the request: ") + (n < 0 ? std::strerror(errno) : "timed out"));
  }
  return Status::Ok();
}

Result<std::string> ReadToEnd(int fd, size_t max_bytes, Clock::time_point deadline) {
  std::string out;
  char buf[16384];
  while (true) {
    if (!WaitFor(fd, POLLIN, deadline)) return Unavailable("no complete answer in time");
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == 0) return out;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Unavailable(std::string("reading the answer: ") + std::strerror(errno));
    }
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return Internal("answer longer than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<HttpAnswer> ParseAnswer(const std::string& raw) {
  // "HTTP/1.x NNN reason\r\n" headers "\r\n\r\n" body
  if (raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12 || raw[8] != ' ') return Internal("the answer is not HTTP");
  HttpAnswer answer;
  for (size_t i = 9; i < 12; ++i) {
    if (raw[i] < '0' || raw[i] > '9') return Internal("the answer has no status code");
    answer.status = answer.status * 10 + (raw[i] - '0');
  }
  size_t end = raw.find("\r\n\r\n");
  if (end != std::string::npos) answer.body = raw.substr(end + 4);
  return answer;
}

}  // namespace

Result<int> ConnectUnixSocket(const std::string& socket_path, std::optional<uid_t> peer_uid, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  Fd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return Internal(std::string("socket: ") + std::strerror(errno));
  MD_RETURN_IF_ERROR(Connect(fd.get(), socket_path, deadline));
  if (peer_uid) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      return Internal(std::string("SO_PEERCRED: ") + std::strerror(errno));
    }
    if (cred.uid != *peer_uid) {
      return FailedPrecondition(socket_path + " is served by uid " + std::to_string(cred.uid) + ", not " +
                                std::to_string(*peer_uid));
    }
  }
  return fd.release();
}

Result<HttpAnswer> SendUnixHttp(const std::string& socket_path, const UnixHttpRequest& request) {
  auto deadline = Clock::now() + std::chrono::milliseconds(request.timeout_ms);
  MD_ASSIGN_OR_RETURN(int connected, ConnectUnixSocket(socket_path, request.peer_uid, request.timeout_ms));
  Fd fd(connected);
  std::string head = request.method + " " + request.target + " HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n";
  if (!request.body.empty() || request.method == "POST") {
    head += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
    if (!request.content_type.empty()) head += "Content-Type: " + request.content_type + "\r\n";
  }
  MD_RETURN_IF_ERROR(SendAll(fd.get(), head + "\r\n" + request.body, deadline));
  MD_ASSIGN_OR_RETURN(std::string raw, ReadToEnd(fd.get(), request.max_bytes, deadline));
  return ParseAnswer(raw);
}

}  // namespace md
