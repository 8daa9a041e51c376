#include "drivers/database/connect_error.h"

namespace md {

bool IsTransientConnectError(const std::string& message) {
  for (const char* s : {"the database system is starting up", "the database system is shutting down",
                        "the database system is in recovery mode", "too many clients", "remaining connection slots"}) {
    if (message.find(s) != std::string::npos) return true;
  }
  // Any other FATAL is the server refusing us.
  if (message.find("FATAL:") != std::string::npos) return false;
  for (const char* s : {"connection to server", "could not connect", "server closed the connection",
                        "timeout expired", "could not translate host name"}) {
    if (message.find(s) != std::string::npos) return true;
  }
  return false;
}

}  // namespace md
