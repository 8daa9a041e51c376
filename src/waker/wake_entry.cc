#include "waker/wake_entry.h"

#include <nlohmann/json.hpp>

#include "core/unix_http.h"
#include "core/validate.h"

namespace md {
namespace {

using nlohmann::json;

// An absolute path with no "." or ".." part and no empty one.
bool IsPlainAbsolutePath(std::string_view path) {
  if (path.size() < 2 || path.front() != '/' || path.back() == '/' || path.size() > 4096) return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = std::min(path.find('/', start), path.size());
    std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos) return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

Status ValidateWakeEntry(const WakeEntry& e) {
  MD_RETURN_IF_ERROR(ValidateSubdomain(e.subdomain));
  for (const std::string* socket : {&e.listen_socket, &e.app_socket}) {
    if (!IsPlainAbsolutePath(*socket) || socket->size() > kMaxUnixSocketPath) {
      return InvalidArgument("wake entry of " + e.subdomain + ": a socket is not a plain absolute path of at most " +
                             std::to_string(kMaxUnixSocketPath) + " bytes");
    }
  }
  if (!IsPlainAbsolutePath(e.service_dir)) {
    return InvalidArgument("wake entry of " + e.subdomain + ": the service dir is not a plain absolute path");
  }
  if (e.uid == 0 || e.uid == static_cast<uid_t>(-1) || e.gid == static_cast<gid_t>(-1)) {
    return InvalidArgument("wake entry of " + e.subdomain + ": the app's uid must be a tenant's, not root");
  }
  if (e.idle_after_s < 0 || e.idle_after_s > 365 * 86400 || e.start_timeout_s < 1 || e.start_timeout_s > 3600) {
    return InvalidArgument("wake entry of " + e.subdomain + ": idle_after_s or start_timeout_s out of range");
  }
  if (e.health_path.empty() || e.health_path.front() != '/' || e.health_path.size() > 256 ||
      e.health_path.find_first_of(" \r\n\t") != std::string::npos) {
    return InvalidArgument("wake entry of " + e.subdomain + ": the health path is not a plain request path");
  }
  return Status::Ok();
}

Result<WakeEntry> ParseWakeEntry(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return InvalidArgument("wake entry is not a JSON object");
  WakeEntry e;
  try {
    e.subdomain = j.at("subdomain").get<std::string>();
    e.listen_socket = j.at("listen_socket").get<std::string>();
    e.app_socket = j.at("app_socket").get<std::string>();
    e.service_dir = j.at("service_dir").get<std::string>();
    e.uid = j.at("uid").get<uid_t>();
    e.gid = j.at("gid").get<gid_t>();
    e.idle_after_s = j.at("idle_after_s").get<int>();
    e.health_path = j.at("health_path").get<std::string>();
    e.start_timeout_s = j.at("start_timeout_s").get<int>();
    e.wakeable = j.at("wakeable").get<bool>();
  } catch (const json::exception&) {
    return InvalidArgument("wake entry lacks a field or has one of the wrong type");
  }
  MD_RETURN_IF_ERROR(ValidateWakeEntry(e));
  return e;
}

std::string RenderWakeEntry(const WakeEntry& e) {
  return json{{"subdomain", e.subdomain},     {"listen_socket", e.listen_socket},
              {"app_socket", e.app_socket},   {"service_dir", e.service_dir},
              {"uid", e.uid},                 {"gid", e.gid},
              {"idle_after_s", e.idle_after_s}, {"health_path", e.health_path},
              {"start_timeout_s", e.start_timeout_s}, {"wakeable", e.wakeable}}
             .dump();
}

}  // namespace md
