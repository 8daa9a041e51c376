#pragma once
// EventFeed: the CLI's reader of a server-sent events stream of the
// controller (GET /v1/events, or an instance's logs/stream). A thread of its own holds the stream and
// queues what arrives; Next() hands it out, waiting at most a given time, so
// that the caller can notice Ctrl-C. When the stream breaks it says so once
// ("lost") and reconnects every second with Last-Event-ID; the controller
// then sends what was missed, or `reset` when it cannot. One reader thread;
// Next() from one other thread.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api/json_codec.h"
#include "cli/api_client.h"
#include "core/status.h"

namespace httplib {
class Client;
}

namespace md::cli {

struct FeedEvent {
  // An event type ("step.done", ...), "reset", or the feed's own: "lost" (the
  // stream broke), "connected" (again, after lost).
  std::string type;
  int64_t id = 0;     // the event's id, when it is a number
  std::string id_text;  // the event's id as sent ("" if none): what a resume sends as Last-Event-ID
  Json data;         // the event's data (json_codec's ToJson(Event)); null for lost
};

// Parses server-sent events as their bytes arrive; one per stream.
class SseParser {
 public:
  // Feeds bytes; calls `emit` for each complete event (comments are skipped).
  template <typename Emit>
  void Feed(std::string_view bytes, Emit&& emit) {
    buffer_.append(bytes);
    size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
      std::string frame = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      std::optional<FeedEvent> e = Parse(frame);
      if (e) emit(std::move(*e));
    }
  }

 private:
  static std::optional<FeedEvent> Parse(const std::string& frame);
  std::string buffer_;
};

class EventFeed {
 public:
  // Opens GET `path` (a stream) with `query` and waits for the controller's
  // answer: its error (e.g. an older controller without the route, or too
  // many streams), Unavailable when it cannot be reached.
  static Result<std::unique_ptr<EventFeed>> Open(const std::string& server_url, const std::string& token,
                                                 const Query& query, const std::string& path = "/v1/events");
  ~EventFeed();  // ends the stream, joins its thread
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // The next event, waiting up to `timeout`; nullopt when none came.
  std::optional<FeedEvent> Next(std::chrono::milliseconds timeout);

 private:
  EventFeed(const std::string& server_url, std::string token, std::string target);
  void Run();
  // One connection; returns its error (OK when it ended without one).
  Status StreamOnce();
  void Push(FeedEvent e);

  std::string token_;
  std::string target_;
  std::unique_ptr<httplib::Client> http_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<FeedEvent> queue_;
  std::optional<Status> opened_;  // the first connection's outcome
  bool stopping_ = false;
  std::string last_id_;  // of the last event with an id
  std::thread thread_;
};

}  // namespace md::cli
