#include "waker/relay.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

namespace md {

Relay::Relay(int client_fd, int app_fd) {
  to_app_.from = client_fd;
  to_app_.to = app_fd;
  to_client_.from = app_fd;
  to_client_.to = client_fd;
}

Relay::~Relay() { Close(); }

void Relay::Close() {
  for (Direction* d : {&to_app_, &to_client_}) {
    if (d->from >= 0) close(d->from);
    d->from = d->to = -1;
    d->shut = true;
  }
}

bool Relay::Step(Direction& d, size_t* moved) {
  if (d.shut || d.failed) return false;
  bool changed = false;
  if (d.begin == d.end && !d.eof) {
    d.begin = d.end = 0;
    ssize_t n = read(d.from, d.buffer.data(), d.buffer.size());
    if (n > 0) {
      d.end = static_cast<size_t>(n);
      changed = true;
    } else if (n == 0) {
      d.eof = changed = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      d.failed = changed = true;
      return true;
    }
  }
  if (d.begin < d.end) {
    ssize_t n = send(d.to, d.buffer.data() + d.begin, d.end - d.begin, MSG_NOSIGNAL);
    if (n > 0) {
      d.begin += static_cast<size_t>(n);
      *moved += static_cast<size_t>(n);
      changed = true;
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      d.failed = true;
      return true;
    }
  }
  if (d.eof && d.begin == d.end) {
    shutdown(d.to, SHUT_WR);
    d.shut = changed = true;
  }
  return changed;
}

bool Relay::Pump(size_t* moved) {
  while (Step(to_app_, moved) | Step(to_client_, moved)) {
  }
  if (to_app_.failed || to_client_.failed) return false;
  return !(to_app_.shut && to_client_.shut);
}

std::string HtmlAnswer(const std::string& status, const std::string& title, const std::string& text) {
  std::string page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                     "</title></head><body><h1>" + title + "</h1><p>" + text + "</p></body></html>\n";
  return "HTTP/1.1 " + status +
         "\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nRetry-After: 10\r\n"
         "Connection: close\r\nContent-Length: " +
         std::to_string(page.size()) + "\r\n\r\n" + page;
}

}  // namespace md
