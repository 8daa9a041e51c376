#pragma once
// HttpTransport: the ACME client's only I/O, one HTTP exchange at a time;
// CurlTransport is the real one (libcurl, HTTPS only). Implementations are
// thread-safe.

#include <map>
#include <mutex>
#include <string>

#include "core/status.h"

typedef void CURL;

namespace md {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; a repeated header keeps its last value
  std::string body;

  // The header's value, empty if absent; `name` in lower case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // `method` is GET, HEAD or POST (whose `body` is sent as application/jose+json).
  // Unavailable if no response came (connection, TLS, timeout).
  virtual Result<HttpResponse> Send(const std::string& method, const std::string& url, const std::string& body) = 0;
};

// Keeps one libcurl handle (so connections are reused) under a mutex.
// Refuses anything but https://; trusts `ca_file` (PEM) if given, else the
// system's roots. Each exchange is cut after `timeout_ms`.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport(std::string ca_file, int timeout_ms);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  Result<HttpResponse> Send(const std::string& method, const std::string& url, const std::string& body) override;

 private:
  const std::string ca_file_;
  const int timeout_ms_;
  std::mutex mu_;
  CURL* curl_ = nullptr;  // guarded by mu_
};

}  // namespace md
