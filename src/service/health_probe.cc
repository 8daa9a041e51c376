#include "service/health_probe.h"

#include "core/unix_http.h"

namespace md {

int UnixHealthProbe::Get(const std::string& socket_path, uid_t owner, const std::string& path, std::string* error) {
  auto answer = SendUnixHttp(socket_path, {.target = path, .timeout_ms = 2000, .peer_uid = owner, .max_bytes = 64 * 1024});
  if (!answer.ok()) {
    if (error) *error = answer.status().message();
    return 0;
  }
  return answer->status;
}

}  // namespace md
