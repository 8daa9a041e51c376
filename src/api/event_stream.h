#pragma once
// GET /v1/events: the controller's EventHub as server-sent events
// (text/event-stream). Each event is one frame, `id: N`, `event: TYPE`,
// `data: JSON` (json_codec's ToJson(Event)); a comment line at least every
// kHeartbeat keeps proxies and clients from timing out; `event: reset` says
// events were missed (a Last-Event-ID older than the hub's ring, or from an
// earlier controller): re-read the state, then go on. At most
// kMaxEventStreams streams at once (each holds a server thread); more are
// refused with 503.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "api/routes.h"
#include "core/event_hub.h"
#include "core/status.h"

namespace md {

inline constexpr int kMaxEventStreams = 8;
inline constexpr std::chrono::milliseconds kHeartbeat{15000};
inline constexpr size_t kMaxStreamOperations = 1000;

// Holds one of the kMaxEventStreams places while alive: every stream (events
// and logs, api/log_stream.h) takes one, so together they never hold more
// than kMaxEventStreams server threads.
class StreamSlot {
 public:
  // Null when every place is taken.
  static std::unique_ptr<StreamSlot> Take();
  ~StreamSlot();
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;

 private:
  StreamSlot() = default;
};

// Which events a stream sends: every event, or those of one instance, or of
// some operations (then no instance events).
struct EventFilter {
  std::string subdomain;         // "": any instance
  std::set<int64_t> operations;  // empty: any operation
  bool Matches(const Event& event) const;
};

// From the `subdomain` and `operation` (IDs separated by commas) query parameters.
Result<EventFilter> ParseEventFilter(std::optional<std::string_view> subdomain,
                                     std::optional<std::string_view> operations);
// A Last-Event-ID header: "" is none; else an id as the stream gave it.
Result<std::optional<int64_t>> ParseLastEventId(std::string_view header);

// Frames.
std::string SseEventFrame(const Event& event);
std::string SseResetFrame(int64_t cursor);
std::string SseCommentFrame(std::string_view text);

// One client's stream. Next() is called from one thread.
class EventStreamer {
 public:
  // `cursor`: the last event the client saw (its Last-Event-ID), or
  // std::nullopt for "from now on".
  EventStreamer(EventHub& hub, EventFilter filter, std::optional<int64_t> cursor,
                std::chrono::milliseconds heartbeat, const std::atomic<bool>& stopping);
  // The next chunk to send: the opening first, then the matching events as
  // they come (waiting for them), or a comment when `heartbeat` passed
  // without any. False once `stopping` is set: the stream ends.
  bool Next(std::string* chunk);

 private:
  EventHub& hub_;
  EventFilter filter_;
  int64_t cursor_;
  bool opened_ = false;
  std::chrono::milliseconds heartbeat_;
  const std::atomic<bool>& stopping_;
};

// The handler of GET /v1/events.
Result<Reply> StreamEvents(EventHub* hub, const RouteCall& call);

}  // namespace md
