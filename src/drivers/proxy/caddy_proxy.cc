#include "drivers/proxy/caddy_proxy.h"

#include <curl/curl.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/files.h"
#include "core/process.h"
#include "core/validate.h"

namespace md {
namespace {

constexpr int kConnectTimeoutMs = 5000;

size_t AppendToString(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Caddy answers errors as {"error": "..."}; one line, at most ~400 bytes.
std::string CaddyError(const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
    return ForMessage(parsed["error"].get<std::string>(), 400);
  }
  return ForMessage(LastLine(body), 400);
}

// Rewrites `path` only when its content differs, so that re-applying the
// same config touches nothing.
// The config file: the controller's; Caddy reads it through its group.
Status WriteConfigFile(const CaddySettings& s, const std::string& content) {
  if (!s.run_as) return WriteFileAtomic(s.config_file(), content, 0600);
  return WriteFileAtomic(s.config_file(), content, 0640, {0, s.run_as->gid});
}

Status WriteIfChanged(const CaddySettings& s, const std::string& content) {
  auto current = ReadFile(s.config_file());
  if (current.ok() && *current == content) return Status::Ok();
  return WriteConfigFile(s, content);
}

}  // namespace

Status WriteInitialConfig(const CaddySettings& settings) {
  MD_ASSIGN_OR_RETURN(std::string config, RenderCaddyConfig(settings, {}));
  const std::optional<Owner>& caddy = settings.run_as;
  // Without a user of its own, Caddy runs as the controller: its dirs are
  // taken back from a user it ran as before.
  const Owner controller{geteuid(), getegid()};
  MD_RETURN_IF_ERROR(caddy ? EnsureDirectory(settings.state_dir, 0750, {0, caddy->gid})
                           : EnsureDirectory(settings.state_dir, 0700, controller));
  for (const std::string& dir : {settings.own_dir(), settings.storage_dir(), settings.home_dir(), settings.data_dir(),
                                 settings.config_dir()}) {
    MD_RETURN_IF_ERROR(EnsureDirectory(dir, 0700, caddy.value_or(controller)));
  }
  return WriteConfigFile(settings, config);
}

CaddyProxy::CaddyProxy(CaddySettings settings, int admin_timeout_ms)
    : settings_(std::move(settings)), admin_timeout_ms_(admin_timeout_ms) {
  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Status CaddyProxy::Apply(const ProxyConfig& config) {
  MD_ASSIGN_OR_RETURN(std::string json, RenderCaddyConfig(settings_, config));
  std::lock_guard<std::mutex> lock(apply_mutex_);
  MD_ASSIGN_OR_RETURN(Reply reply, Request("POST", "/load", json));
  if (reply.code / 100 != 2) {
    return Internal("caddy refused the config (HTTP " + std::to_string(reply.code) + "): " + CaddyError(reply.body));
  }
  return WriteIfChanged(settings_, json).WithContext("caddy config applied but not saved");
}

Status CaddyProxy::Ping() {
  MD_ASSIGN_OR_RETURN(Reply reply, Request("GET", "/config/admin", ""));
  if (reply.code / 100 != 2) {
    return Internal("caddy admin API answered HTTP " + std::to_string(reply.code) + ": " + CaddyError(reply.body));
  }
  return Status::Ok();
}

Result<CaddyProxy::Reply> CaddyProxy::Request(const std::string& method, const std::string& path,
                                              const std::string& body) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Internal("curl_easy_init failed");
  // Caddy's admin API on a unix socket accepts only an empty Host header.
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(curl_slist_append(nullptr, "Host;"), "Content-Type: application/json"), curl_slist_free_all);
  Reply reply;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, settings_.admin_socket.c_str());
  curl_easy_setopt(c, CURLOPT_URL, ("http://localhost" + path).c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendToString);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(kConnectTimeoutMs));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(admin_timeout_ms_));
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    // Every transport failure on a local socket means Caddy is down,
    // restarting or stuck: worth retrying.
    return Unavailable("caddy admin API at " + settings_.admin_socket + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.code);
  return reply;
}

}  // namespace md
