#include "drivers/mail/smtp_mailer.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace md {
namespace {

struct Upload {
  const std::string& data;
  size_t pos = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* up = static_cast<Upload*>(userdata);
  size_t n = std::min(size * nitems, up->data.size() - up->pos);
  std::memcpy(buffer, up->data.data() + up->pos, n);
  up->pos += n;
  return n;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string SmtpMailer::Describe() const {
  return "smtp://" + settings_.host + ":" + std::to_string(settings_.port) + (settings_.starttls ? " (STARTTLS)" : "");
}

Status SmtpMailer::Send(const std::string& from, const std::string& to, const std::string& message) {
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Unavailable("smtp: cannot initialise libcurl");
  CURL* c = curl.get();
  std::string url = "smtp://" + settings_.host + ":" + std::to_string(settings_.port);
  std::string mail_from = "<" + from + ">";
  std::unique_ptr<curl_slist, SlistFree> rcpt(curl_slist_append(nullptr, ("<" + to + ">").c_str()));
  Upload upload{message};
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (settings_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  std::string why = std::string(error[0] ? error : curl_easy_strerror(rc));
  std::string where = "smtp " + settings_.host + ":" + std::to_string(settings_.port) + ": ";
  if (code >= 500 || rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED) {
    return FailedPrecondition(where + why + (code ? " (server answered " + std::to_string(code) + ")" : ""));
  }
  return Unavailable(where + why);
}

}  // namespace md
