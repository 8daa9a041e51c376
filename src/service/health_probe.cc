#include "service/health_probe.h"

#include <httplib.h>

namespace md {

int HttpHealthProbe::Get(int port, const std::string& path, std::string* error) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1, 0);
  client.set_read_timeout(2, 0);
  auto res = client.Get(path);
  if (!res) {
    if (error) *error = httplib::to_string(res.error());
    return 0;
  }
  return res->status;
}

}  // namespace md
