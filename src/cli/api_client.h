#pragma once
// ApiClient: the CLI's connection to the controller's HTTP API. Sends the
// admin token, decodes JSON, and turns every failure into a Status whose
// message is one line naming what to do. Not thread-safe; one per command.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/json_codec.h"
#include "core/status.h"

namespace httplib {
class Client;
}

namespace md::cli {

using Query = std::vector<std::pair<std::string, std::string>>;

class ApiClient {
 public:
  // InvalidArgument if `server_url` is not http(s)://HOST[:PORT][/].
  static Result<std::unique_ptr<ApiClient>> Create(const std::string& server_url, std::string token);
  ~ApiClient();

  // 2xx: the body (null for an empty one). Otherwise the server's error; a
  // controller that cannot be reached is Unavailable naming the URL.
  Result<Json> Get(const std::string& path, const Query& query = {});
  Result<Json> Post(const std::string& path, const Json& body = Json::object());
  Result<Json> Patch(const std::string& path, const Json& body);
  Result<Json> Delete(const std::string& path);

  // GET and decode with the API codec.
  template <typename T>
  Result<T> GetAs(const std::string& path, const Query& query = {}) {
    MD_ASSIGN_OR_RETURN(Json j, Get(path, query));
    return Decode<T>(j);
  }

  template <typename T>
  static Result<T> Decode(const Json& j) {
    T value;
    Status s = FromJson(j, &value);
    if (!s.ok()) return Internal("unexpected answer from the controller: " + s.message());
    return value;
  }

  const std::string& url() const { return url_; }
  const std::string& token() const { return token_; }  // for the event stream (cli/event_feed.h)

 private:
  ApiClient(std::string url, std::string token);
  Result<Json> Send(const std::string& method, const std::string& path, const Json* body);

  std::string url_;
  std::string token_;
  std::unique_ptr<httplib::Client> http_;
};

}  // namespace md::cli
