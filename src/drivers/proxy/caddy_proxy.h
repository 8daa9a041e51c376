#pragma once
// CaddyProxy: the FrontProxy over a running Caddy 2.6, through its admin API
// on a unix socket (libcurl). Caddy itself runs under the Supervisor with
// RenderCaddyRunScript; WriteInitialConfig prepares its state dir first.
// The host needs net.ipv4.tcp_migrate_req=1 (see Apply). Thread-safe: Apply
// calls are serialised.

#include <mutex>
#include <string>

#include "drivers/proxy/caddy_config.h"
#include "drivers/proxy/front_proxy.h"

namespace md {

// Makes state_dir and its subfolders (owners and modes as CaddySettings says)
// and writes config_file() with no route, certificate or challenge (replacing
// the last applied one),
// so that Caddy starts ready to take Apply. Call it before installing the
// service, then Apply the whole config.
Status WriteInitialConfig(const CaddySettings& settings);

class CaddyProxy final : public FrontProxy {
 public:
  // `admin_timeout_ms`: the longest an admin request may take (a large
  // config with thousands of certificates takes a while to load).
  explicit CaddyProxy(CaddySettings settings, int admin_timeout_ms = 60000);

  // POST /load of the whole config. Caddy starts the new servers on new
  // SO_REUSEPORT listeners, then closes the old ones gracefully: requests in
  // flight end normally, idle HTTP/1.1 keep-alive connections are closed and
  // HTTP/2 ones get a GOAWAY (clients retry the requests those refuse).
  // Without net.ipv4.tcp_migrate_req=1 the kernel resets the connections
  // still queued on an old listener. Caddy ignores a config equal to the one
  // it serves. On success the config is also written to config_file(), so a
  // restarted Caddy serves it again.
  Status Apply(const ProxyConfig& config) override;
  // GET /config/admin.
  Status Ping() override;

 private:
  struct Reply {
    long code = 0;
    std::string body;
  };
  Result<Reply> Request(const std::string& method, const std::string& path, const std::string& body);

  CaddySettings settings_;
  int admin_timeout_ms_;
  std::mutex apply_mutex_;
};

}  // namespace md
