#pragma once
// WakeEntry: what the waker knows of one instance, one JSON file per
// instance in a folder only root can write (DATA/wake/tenants/SUB). The
// controller writes it (atomically) when the instance is made, started,
// stopped or its idle time changes, and removes it on delete; the waker
// reads it on each change. Every path in it is the controller's to choose:
// the waker never takes a path from the instance itself. Pure functions.

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace md {

struct WakeEntry {
  std::string subdomain;
  std::string listen_socket;  // where the waker listens: the front proxy's upstream
  std::string app_socket;     // where the app listens; its peer must be `uid`
  std::string service_dir;    // its s6 service directory
  uid_t uid = 0;
  gid_t gid = 0;
  int idle_after_s = 900;     // no byte relayed for this long: stopped; 0: never
  std::string health_path = "/healthz";
  int start_timeout_s = 30;   // a wake that is not healthy by then fails
  // False while an operator has the instance stopped: a request is answered
  // 503 and the app is never started.
  bool wakeable = true;
  bool operator==(const WakeEntry&) const = default;
};

// InvalidArgument (one line) unless every field is well-formed: absolute
// plain paths, a subdomain label, a non-root uid, times in range.
Status ValidateWakeEntry(const WakeEntry& entry);
Result<WakeEntry> ParseWakeEntry(std::string_view json);
std::string RenderWakeEntry(const WakeEntry& entry);

}  // namespace md
