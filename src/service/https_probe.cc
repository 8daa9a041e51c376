#include "service/https_probe.h"

#include <curl/curl.h>

#include <memory>

namespace md {
namespace {

constexpr long kTimeoutMs = 5000;

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

int CurlHttpsProbe::Get(const std::string& host, int port, const std::string& path, const std::string& ca_file,
                        std::string* error) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    if (error) *error = "cannot start libcurl";
    return 0;
  }
  std::string target = host + ":" + std::to_string(port) + ":127.0.0.1";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(curl_slist_append(nullptr, target.c_str()),
                                                                       curl_slist_free_all);
  std::string url = "https://" + host + ":" + std::to_string(port) + path;
  char message[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, message);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    if (error) *error = message[0] ? message : curl_easy_strerror(rc);
    return 0;
  }
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  return static_cast<int>(code);
}

}  // namespace md
