#pragma once
// The Caddy 2.6 JSON config that makes Caddy the FrontProxy: server "front"
// (TLS on https_port, routes by host, 404 for unknown hosts) and server
// "challenges" (HTTP-01 answers, everything else redirected to https), with
// automatic HTTPS off and only the certificates given. Pure functions.

#include <optional>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/status.h"
#include "drivers/proxy/front_proxy.h"

namespace md {

struct CaddySettings {
  // Caddy's folder: the config file it starts with, and own_dir() (its
  // storage, HOME and XDG dirs), the only place Caddy writes. Both the
  // controller's, private (0700, file 0600), unless run_as is set.
  std::string state_dir;
  // The admin API's unix socket (at most 107 bytes); whoever can connect to
  // it controls the proxy, so its folder must be private.
  std::string admin_socket;
  // Set (the controller is root): Caddy runs as this user with no capability
  // but CAP_NET_BIND_SERVICE. state_dir and the config file stay root's,
  // readable by its group (0750, 0640); own_dir() is its own (0700).
  std::optional<Owner> run_as;
  std::vector<std::string> bind_addresses;  // IP literals; empty: every interface
  int https_port = 8443;
  int http_port = 8080;
  std::string log_file;  // empty: stderr
  std::string caddy_binary = "caddy";  // for the run script; from PATH unless a path

  std::string config_file() const { return state_dir + "/caddy.json"; }
  std::string own_dir() const { return state_dir + "/own"; }
  std::string storage_dir() const { return own_dir() + "/storage"; }
  std::string home_dir() const { return own_dir() + "/home"; }
  std::string data_dir() const { return own_dir() + "/data"; }
  std::string config_dir() const { return own_dir() + "/config"; }
};

// The whole config, as compact JSON with sorted keys (the same inputs always
// give the same bytes). InvalidArgument if `config` fails
// ValidateProxyConfig or the settings are unusable.
Result<std::string> RenderCaddyConfig(const CaddySettings& settings, const ProxyConfig& config);

// The s6 run script: Caddy in the foreground on config_file(), its HOME and
// XDG dirs inside own_dir(), stderr joined to stdout (for the logger); as
// run_as with only CAP_NET_BIND_SERVICE (and no_new_privs) when that is set.
std::string RenderCaddyRunScript(const CaddySettings& settings);

}  // namespace md
