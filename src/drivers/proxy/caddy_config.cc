#include "drivers/proxy/caddy_config.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/strings.h"
#include "core/unix_http.h"
#include "core/validate.h"

namespace md {
namespace {

using nlohmann::json;


Status ValidateSettings(const CaddySettings& s) {
  if (!s.state_dir.starts_with("/")) return InvalidArgument("caddy state dir must be an absolute path");
  if (!s.admin_socket.starts_with("/") || s.admin_socket.size() > kMaxUnixSocketPath) {
    return InvalidArgument("caddy admin socket must be an absolute path of at most " +
                           std::to_string(kMaxUnixSocketPath) + " bytes");
  }
  if (!s.log_file.empty() && !s.log_file.starts_with("/")) {
    return InvalidArgument("caddy log file must be an absolute path");
  }
  auto valid_port = [](int port) { return port > 0 && port <= 65535; };
  if (!valid_port(s.https_port) || !valid_port(s.http_port) || s.https_port == s.http_port) {
    return InvalidArgument("caddy https and http ports must be two different ports");
  }
  for (const std::string& address : s.bind_addresses) {
    if (address.empty() || address.find_first_of("[]/ ") != std::string::npos) {
      return InvalidArgument("bind address '" + ForMessage(address) + "' is not an IP literal");
    }
  }
  return Status::Ok();
}

json Listen(const CaddySettings& s, int port) {
  std::string suffix = ":" + std::to_string(port);
  if (s.bind_addresses.empty()) return json::array({suffix});
  json listen = json::array();
  for (const std::string& a : s.bind_addresses) {
    listen.push_back(a.find(':') == std::string::npos ? a + suffix : "[" + a + "]" + suffix);
  }
  return listen;
}

json TextResponse(int status, const std::string& body) {
  return {{"handler", "static_response"},
          {"status_code", status},
          {"headers", {{"Content-Type", {"text/plain; charset=utf-8"}}}},
          {"body", body}};
}

// The placeholder of a request's label before `domain` (Caddy counts labels from the right, from 0).
std::string LabelBefore(const std::string& domain) {
  return "{http.request.host.labels." + std::to_string(std::count(domain.begin(), domain.end(), '.') + 1) + "}";
}

// SUB.DOMAIN whose SUB is a subdomain's label: a host of another shape never
// becomes part of a socket path.
json SubdomainMatch(const SubdomainUpstream& u) {
  std::string escaped;
  for (char c : u.domain) escaped += c == '.' ? std::string("\\.") : std::string(1, c);
  return {{"host", {"*." + u.domain}},
          {"vars_regexp", {{"{http.request.host}", {{"pattern", "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\." + escaped + "$"}}}}}};
}

// What a route proxies to: its upstream, or for a kSubdomainToken one the request's own socket.
json ProxyMatchAndDial(const ProxyRoute& route, const json& hosts, std::string* dial) {
  if (route.upstream.find(kSubdomainToken) == std::string::npos) {
    *dial = route.upstream;
    return {{{"host", hosts}}};
  }
  SubdomainUpstream u = *SplitSubdomainUpstream(route);  // validated before
  *dial = "unix/" + u.root + "/" + LabelBefore(u.domain) + "/" + u.rest;
  return {SubdomainMatch(u)};
}

// Exact names first: Caddy takes the first matching route, and an exact
// name must win over a wildcard that also matches it.
json FrontRoutes(const ProxyConfig& config) {
  json routes = json::array();
  for (bool wildcards : {false, true}) {
    for (const ProxyRoute& route : config.routes) {
      json hosts = json::array();
      for (const std::string& h : route.hosts) {
        if (h.starts_with("*.") == wildcards) hosts.push_back(h);
      }
      if (hosts.empty()) continue;
      std::string dial;
      json match = ProxyMatchAndDial(route, hosts, &dial);
      json proxy = {{"handler", "reverse_proxy"},
                    {"upstreams", {{{"dial", dial}}}},
                    // Named explicitly, the transport is cleaned up on reload: Caddy 2.6
                    // leaves the default one's idle upstream connections open.
                    {"transport", {{"protocol", "http"}}}};
      if (!route.reuse_connections) proxy["transport"]["keep_alive"] = {{"enabled", false}};
      if (route.forward_client_address) {
        // Set, not appended: the upstream trusts this header because only the proxy writes it.
        proxy["headers"] = {{"request", {{"set", {{"X-Forwarded-For", {"{http.request.remote.host}"}}}}}}};
      }
      routes.push_back({{"match", match}, {"handle", {proxy}}, {"terminal", true}});
    }
  }
  routes.push_back({{"handle", {TextResponse(404, "no such instance\n")}}});
  return routes;
}

// When a kSubdomainToken route's app does not answer: 404 if the subdomain
// has no socket directory (no such instance), else 502.
json FrontErrorRoutes(const ProxyConfig& config) {
  json routes = json::array();
  for (const ProxyRoute& route : config.routes) {
    if (route.upstream.find(kSubdomainToken) == std::string::npos) continue;
    SubdomainUpstream u = *SplitSubdomainUpstream(route);
    json match = SubdomainMatch(u);
    json exists = match;
    exists["file"] = {{"root", u.root}, {"try_files", {"/" + LabelBefore(u.domain) + "/"}}};
    routes.push_back({{"match", {exists}},
                      {"handle", {TextResponse(502, "the app at this address is not answering\n")}},
                      {"terminal", true}});
    routes.push_back({{"match", {match}}, {"handle", {TextResponse(404, "no such instance\n")}}, {"terminal", true}});
  }
  return routes;
}

json ChallengeRoutes(const CaddySettings& s, const ProxyConfig& config) {
  json routes = json::array();
  for (const HttpChallenge& c : config.challenges) {
    routes.push_back({{"match", {{{"host", {c.host}}, {"path", {"/.well-known/acme-challenge/" + c.token}}}}},
                      {"handle", {TextResponse(200, c.key_authorization)}},
                      {"terminal", true}});
  }
  std::string port = s.https_port == 443 ? "" : ":" + std::to_string(s.https_port);
  json redirect = {{"handler", "static_response"},
                   {"status_code", 301},
                   {"headers", {{"Location", {"https://{http.request.host}" + port + "{http.request.uri}"}}}}};
  routes.push_back({{"handle", {redirect}}});
  return routes;
}

json Certificates(const ProxyConfig& config) {
  json pems = json::array();
  for (const ProxyCertificate& c : config.certificates) {
    pems.push_back({{"certificate", c.cert_pem}, {"key", c.key_pem}, {"tags", c.tags}});
  }
  return pems;
}

}  // namespace

Result<std::string> RenderCaddyConfig(const CaddySettings& settings, const ProxyConfig& config) {
  MD_RETURN_IF_ERROR(ValidateSettings(settings));
  MD_RETURN_IF_ERROR(ValidateProxyConfig(config));
  json front = {{"listen", Listen(settings, settings.https_port)},
                {"protocols", {"h1", "h2"}},  // no HTTP/3: no UDP listener
                {"automatic_https", {{"disable", true}}},
                {"tls_connection_policies", {json::object()}},  // TLS on; the certificate is chosen by SNI
                {"routes", FrontRoutes(config)},
                {"errors", {{"routes", FrontErrorRoutes(config)}}}};
  json challenges = {{"listen", Listen(settings, settings.http_port)},
                     {"protocols", {"h1"}},
                     {"automatic_https", {{"disable", true}}},
                     {"routes", ChallengeRoutes(settings, config)}};
  json root = {
      {"admin", {{"listen", "unix/" + settings.admin_socket}, {"config", {{"persist", false}}}}},
      {"storage", {{"module", "file_system"}, {"root", settings.storage_dir()}}},
      {"apps",
       {{"http",
         {{"http_port", settings.http_port},
          {"https_port", settings.https_port},
          {"servers", {{"front", front}, {"challenges", challenges}}}}},
        {"tls", {{"certificates", {{"load_pem", Certificates(config)}}}}}}}};
  if (!settings.log_file.empty()) {
    root["logging"] = {{"logs", {{"default", {{"writer", {{"output", "file"}, {"filename", settings.log_file}}}}}}}};
  }
  return root.dump();
}

std::string RenderCaddyRunScript(const CaddySettings& s) {
  std::string drop;
  if (s.run_as) {
    // Binding 80/443 is all Caddy needs of root; it keeps that one capability
    // (ambient, so it survives the exec) and can never gain another.
    drop = "/usr/bin/setpriv --reuid=" + std::to_string(s.run_as->uid) + " --regid=" + std::to_string(s.run_as->gid) +
           " --clear-groups --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service"
           " --bounding-set=-all,+net_bind_service --no-new-privs -- ";
  }
  return "#!/bin/sh\n"
         "# Caddy, the front proxy. Its files are private and stay in its state dir.\n"
         "umask 077\n"
         "exec 2>&1\n"
         "exec " +
         drop + "env " + ShellQuote("HOME=" + s.home_dir()) + " " + ShellQuote("XDG_DATA_HOME=" + s.data_dir()) + " " +
         ShellQuote("XDG_CONFIG_HOME=" + s.config_dir()) + " " + ShellQuote(s.caddy_binary) + " run --config " +
         ShellQuote(s.config_file()) + "\n";
}

}  // namespace md
