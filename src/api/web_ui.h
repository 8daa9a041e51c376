#pragma once
// WebUi: a user interface served on the API's listener beside the API (the
// dashboard, src/dashboard). Its paths are outside the API's; ApiServer asks
// no bearer token there and audits nothing there: the UI authenticates and
// audits its own requests.

#include <atomic>
#include <string>

namespace httplib {
class Server;
}

namespace md {

class WebUi {
 public:
  virtual ~WebUi() = default;
  // Whether `path` is one of the UI's (e.g. "/" and "/ui/...").
  virtual bool Serves(const std::string& path) const = 0;
  // Adds its handlers to the server; called once, before it starts.
  // `stopping` is set when the server stops (streams end).
  virtual void Install(httplib::Server& server, const std::atomic<bool>& stopping) = 0;
};

}  // namespace md
