#include "cli/event_feed.h"

#include <httplib.h>

#include "cli/args.h"
#include "core/strings.h"

namespace md::cli {
namespace {

constexpr time_t kConnectTimeoutS = 5;
// The controller sends a comment every 15 s: a stream silent for longer is dead.
constexpr time_t kReadTimeoutS = 45;
constexpr auto kReconnectEvery = std::chrono::seconds(1);

}  // namespace

std::optional<FeedEvent> SseParser::Parse(const std::string& frame) {
  FeedEvent e;
  std::string data;
  bool any = false;
  size_t at = 0;
  while (at <= frame.size()) {
    size_t end = frame.find('\n', at);
    if (end == std::string::npos) end = frame.size();
    std::string line = frame.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == ':') continue;
    size_t colon = line.find(':');
    std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (field == "event") {
      e.type = value;
      any = true;
    } else if (field == "data") {
      data += (data.empty() ? "" : "\n") + value;
      any = true;
    } else if (field == "id") {
      long long id = 0;
      if (ParseInt(value, 0, INT64_MAX, &id)) e.id = id;
      e.id_text = value;
    }
  }
  if (!any) return std::nullopt;
  if (e.type.empty()) e.type = "message";
  Result<Json> parsed = ParseJson(data);
  e.data = parsed.ok() ? *parsed : Json(nullptr);
  return e;
}

Result<std::unique_ptr<EventFeed>> EventFeed::Open(const std::string& server_url, const std::string& token,
                                                   const Query& query, const std::string& path) {
  std::string target = path;
  char sep = '?';
  for (const auto& [k, v] : query) {
    target += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  std::unique_ptr<EventFeed> feed(new EventFeed(server_url, token, target));
  feed->thread_ = std::thread([f = feed.get()] { f->Run(); });
  std::unique_lock lock(feed->mu_);
  feed->changed_.wait(lock, [&] { return feed->opened_.has_value(); });
  Status opened = *feed->opened_;
  lock.unlock();
  if (!opened.ok()) return opened;  // the destructor joins the thread, which stopped
  return feed;
}

EventFeed::EventFeed(const std::string& server_url, std::string token, std::string target)
    : token_(std::move(token)), target_(std::move(target)), http_(std::make_unique<httplib::Client>(server_url)) {
  http_->set_connection_timeout(kConnectTimeoutS, 0);
  http_->set_read_timeout(kReadTimeoutS, 0);
  http_->set_keep_alive(false);
  http_->set_follow_location(false);
}

EventFeed::~EventFeed() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  http_->stop();
  if (thread_.joinable()) thread_.join();
}

void EventFeed::Push(FeedEvent e) {
  {
    std::lock_guard lock(mu_);
    if (!e.id_text.empty()) last_id_ = e.id_text;
    queue_.push_back(std::move(e));
  }
  changed_.notify_all();
}

Status EventFeed::StreamOnce() {
  httplib::Headers headers = {{"Authorization", "Bearer " + token_}, {"Accept", "text/event-stream"}};
  {
    std::lock_guard lock(mu_);
    if (!last_id_.empty()) headers.emplace("Last-Event-ID", last_id_);
  }
  int status = 0;
  std::string error_body;
  SseParser parser;
  httplib::Result r = http_->Get(
      target_, headers,
      [&](const httplib::Response& res) {
        status = res.status;
        if (status != 200) return true;
        std::unique_lock lock(mu_);
        if (opened_) {
          lock.unlock();
          Push(FeedEvent{"connected", 0, "", Json(nullptr)});
          return true;
        }
        opened_ = Status::Ok();
        changed_.notify_all();
        return true;
      },
      [&](const char* data, size_t length) {
        if (status != 200) {
          error_body.append(data, std::min<size_t>(length, 4096));
          return true;
        }
        parser.Feed(std::string_view(data, length), [&](FeedEvent e) { Push(std::move(e)); });
        std::lock_guard lock(mu_);
        return !stopping_;
      });
  if (status != 0 && status != 200) return StatusFromHttpError(status, error_body);
  if (!r && r.error() != httplib::Error::Canceled) {
    return Unavailable("the controller's event stream broke (" + httplib::to_string(r.error()) + ")");
  }
  return Status::Ok();
}

void EventFeed::Run() {
  while (true) {
    Status s = StreamOnce();
    std::unique_lock lock(mu_);
    if (!opened_) {  // the first connection failed: Open reports it
      opened_ = s.ok() ? Unavailable("the controller ended the event stream at once") : s;
      changed_.notify_all();
      return;
    }
    if (stopping_) return;
    lock.unlock();
    Push(FeedEvent{"lost", 0, "", Json(nullptr)});
    lock.lock();
    if (changed_.wait_for(lock, kReconnectEvery, [this] { return stopping_; })) return;
  }
}

std::optional<FeedEvent> EventFeed::Next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) return std::nullopt;
  FeedEvent e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

}  // namespace md::cli
