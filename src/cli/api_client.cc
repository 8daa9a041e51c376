#include "cli/api_client.h"

#include <httplib.h>

#include "core/strings.h"

namespace md::cli {
namespace {

constexpr time_t kConnectTimeoutS = 5;
constexpr time_t kReadTimeoutS = 300;  // doctor --fix and status checks may take a while

std::string WithQuery(const std::string& path, const Query& query) {
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : query) {
    out += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ApiClient>> ApiClient::Create(const std::string& server_url, std::string token) {
  std::string url = server_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  auto scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  std::string rest = scheme_end == std::string::npos ? "" : url.substr(scheme_end + 3);
  if ((scheme != "http" && scheme != "https") || rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos) {
    return InvalidArgument("server URL '" + server_url + "' must look like http://HOST:PORT");
  }
  auto client = std::unique_ptr<ApiClient>(new ApiClient(url, std::move(token)));
  if (!client->http_->is_valid()) {
    return InvalidArgument("server URL '" + server_url + "' must look like http://HOST:PORT");
  }
  return client;
}

ApiClient::ApiClient(std::string url, std::string token)
    : url_(std::move(url)), token_(std::move(token)), http_(std::make_unique<httplib::Client>(url_)) {
  http_->set_connection_timeout(kConnectTimeoutS, 0);
  http_->set_read_timeout(kReadTimeoutS, 0);
  http_->set_write_timeout(30, 0);
  http_->set_keep_alive(false);
  http_->set_follow_location(false);
}

ApiClient::~ApiClient() = default;

Result<Json> ApiClient::Get(const std::string& path, const Query& query) {
  return Send("GET", WithQuery(path, query), nullptr);
}
Result<Json> ApiClient::Post(const std::string& path, const Json& body) { return Send("POST", path, &body); }
Result<Json> ApiClient::Patch(const std::string& path, const Json& body) { return Send("PATCH", path, &body); }
Result<Json> ApiClient::Delete(const std::string& path) { return Send("DELETE", path, nullptr); }

Result<Json> ApiClient::Send(const std::string& method, const std::string& path, const Json* body) {
  httplib::Headers headers = {{"Authorization", "Bearer " + token_}, {"Accept", "application/json"}};
  const std::string payload = body ? DumpJson(*body) : "";
  httplib::Result r = method == "GET"     ? http_->Get(path, headers)
                      : method == "POST"  ? http_->Post(path, headers, payload, "application/json")
                      : method == "PATCH" ? http_->Patch(path, headers, payload, "application/json")
                                          : http_->Delete(path, headers);
  if (!r) {
    httplib::Error err = r.error();
    if (err == httplib::Error::Connection || err == httplib::Error::ConnectionTimeout) {
      return Unavailable("cannot reach the controller at " + url_ +
                         ": start it with `meltanodata serve`, or point --server or MELTANODATA_URL at it");
    }
    return Unavailable("the controller at " + url_ + " did not answer (" + httplib::to_string(err) +
                       "): check that `meltanodata serve` is running");
  }
  if (r->status < 200 || r->status >= 300) {
    Status s = StatusFromHttpError(r->status, r->body);
    if (s.code() == Code::kUnauthenticated) {
      return Status(Code::kUnauthenticated,
                    s.message() + ": pass the controller's admin token with --token or MELTANODATA_TOKEN "
                                  "(it is in admin.token in the controller's data dir)");
    }
    return s;
  }
  if (r->body.empty()) return Json(nullptr);
  Result<Json> j = ParseJson(r->body);
  if (!j.ok()) return Internal("unexpected answer from the controller at " + url_ + ": " + j.status().message());
  return j;
}

}  // namespace md::cli
