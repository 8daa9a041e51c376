#pragma once
// The Caddy 2.6 JSON config that makes Caddy the FrontProxy: server "front"
// (TLS on https_port, routes by host, 404 for unknown hosts) and server
// "challenges" (HTTP-01 answers, everything else redirected to https), with
// automatic HTTPS off and only the certificates given. Pure functions.

#include <string>
#include <vector>

#include "core/status.h"
#include "drivers/proxy/front_proxy.h"

namespace md {

struct CaddySettings {
  // Caddy's own folder (made 0700): its storage, HOME and XDG dirs, and the
  // config file it starts with. Nothing of Caddy's is written elsewhere.
  std::string state_dir;
  // The admin API's unix socket (at most 107 bytes); whoever can connect to
  // it controls the proxy, so its folder must be private.
  std::string admin_socket;
  std::vector<std::string> bind_addresses;  // IP literals; empty: every interface
  int https_port = 8443;
  int http_port = 8080;
  std::string log_file;  // empty: stderr
  std::string caddy_binary = "caddy";  // for the run script; from PATH unless a path

  std::string config_file() const { return state_dir + "/caddy.json"; }
  std::string storage_dir() const { return state_dir + "/storage"; }
  std::string home_dir() const { return state_dir + "/home"; }
  std::string data_dir() const { return state_dir + "/data"; }
  std::string config_dir() const { return state_dir + "/config"; }
};

// The whole config, as compact JSON with sorted keys (the same inputs always
// give the same bytes). InvalidArgument if `config` fails
// ValidateProxyConfig or the settings are unusable.
Result<std::string> RenderCaddyConfig(const CaddySettings& settings, const ProxyConfig& config);

// The s6 run script: Caddy in the foreground on config_file(), its HOME and
// XDG dirs inside state_dir, stderr joined to stdout (for the logger).
std::string RenderCaddyRunScript(const CaddySettings& settings);

}  // namespace md
