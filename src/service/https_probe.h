#pragma once
// HttpsProbe: asks the front door for an instance's page the way a browser
// would — TLS with SNI, the certificate verified against given roots — but
// connecting to the proxy on loopback. An interface so that unit tests need
// no proxy.

#include <string>

namespace md {

class HttpsProbe {
 public:
  virtual ~HttpsProbe() = default;
  // GET https://HOST:PORT/PATH, connecting to 127.0.0.1:PORT, trusting the
  // PEM roots in `ca_file`. The HTTP status, or 0 with `error` set.
  virtual int Get(const std::string& host, int port, const std::string& path, const std::string& ca_file,
                  std::string* error) = 0;
};

// The real probe, over libcurl. Thread-safe.
class CurlHttpsProbe final : public HttpsProbe {
 public:
  int Get(const std::string& host, int port, const std::string& path, const std::string& ca_file,
          std::string* error) override;
};

}  // namespace md
