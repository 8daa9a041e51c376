#include "api/event_stream.h"

#include <memory>

#include "api/json_codec.h"
#include "api/requests.h"
#include "core/validate.h"

namespace md {
namespace {

constexpr size_t kBatch = 64;
constexpr int kRetryMs = 1000;  // how soon a browser reconnects after the stream ends

std::atomic<int> g_streams{0};

}  // namespace

std::unique_ptr<StreamSlot> StreamSlot::Take() {
  if (g_streams.fetch_add(1) >= kMaxEventStreams) {
    g_streams.fetch_sub(1);
    return nullptr;
  }
  return std::unique_ptr<StreamSlot>(new StreamSlot());
}

StreamSlot::~StreamSlot() { g_streams.fetch_sub(1); }

bool EventFilter::Matches(const Event& event) const {
  if (!subdomain.empty() && event.subdomain != subdomain) return false;
  if (operations.empty()) return true;
  return event.type != EventType::kInstanceStatus && operations.count(event.operation.id) > 0;
}

Result<EventFilter> ParseEventFilter(std::optional<std::string_view> subdomain,
                                     std::optional<std::string_view> operations) {
  EventFilter filter;
  if (subdomain) {
    MD_RETURN_IF_ERROR(ValidateSubdomain(*subdomain));
    filter.subdomain = std::string(*subdomain);
  }
  if (operations) {
    std::string_view rest = *operations;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view id = rest.substr(0, comma);
      Result<int64_t> parsed = ParseOperationId(id);
      if (!parsed.ok()) return InvalidArgument("operation must be operation IDs separated by commas");
      filter.operations.insert(*parsed);
      if (filter.operations.size() > kMaxStreamOperations) {
        return InvalidArgument("operation names more than " + std::to_string(kMaxStreamOperations) + " operations");
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return filter;
}

Result<std::optional<int64_t>> ParseLastEventId(std::string_view header) {
  if (header.empty()) return std::optional<int64_t>();
  Result<int64_t> id = ParseOperationId(header);  // the same shape: a positive decimal integer
  if (!id.ok()) return InvalidArgument("Last-Event-ID must be the id of an event this stream sent");
  return std::optional<int64_t>(*id);
}

std::string SseEventFrame(const Event& event) {
  return "id: " + std::to_string(event.id) + "\nevent: " + EventTypeName(event.type) + "\ndata: " +
         DumpJson(ToJson(event)) + "\n\n";
}

std::string SseResetFrame(int64_t cursor) {
  return "id: " + std::to_string(cursor) + "\nevent: reset\ndata: " +
         DumpJson(Json{{"message", "events were missed: read the state again"}}) + "\n\n";
}

std::string SseCommentFrame(std::string_view text) { return ": " + std::string(text) + "\n\n"; }

EventStreamer::EventStreamer(EventHub& hub, EventFilter filter, std::optional<int64_t> cursor,
                             std::chrono::milliseconds heartbeat, const std::atomic<bool>& stopping)
    : hub_(hub),
      filter_(std::move(filter)),
      cursor_(cursor.value_or(hub.last_id())),
      heartbeat_(heartbeat),
      stopping_(stopping) {}

bool EventStreamer::Next(std::string* chunk) {
  chunk->clear();
  if (stopping_.load()) return false;
  if (!opened_) {
    opened_ = true;
    *chunk = "retry: " + std::to_string(kRetryMs) + "\n" + SseCommentFrame("connected");
    return true;
  }
  const auto deadline = std::chrono::steady_clock::now() + heartbeat_;
  while (chunk->empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *chunk = SseCommentFrame("keep-alive");
      break;
    }
    EventBatch batch = hub_.Read(cursor_, kBatch, left, &stopping_);
    if (stopping_.load()) return false;
    if (batch.missed) *chunk += SseResetFrame(batch.cursor);
    for (const Event& e : batch.events) {
      if (filter_.Matches(e)) *chunk += SseEventFrame(e);
    }
    cursor_ = batch.cursor;
  }
  return true;
}

Result<Reply> StreamEvents(EventHub* hub, const RouteCall& call) {
  if (hub == nullptr) return Unavailable("this controller publishes no events");
  MD_ASSIGN_OR_RETURN(EventFilter filter, ParseEventFilter(call.Query("subdomain"), call.Query("operation")));
  MD_ASSIGN_OR_RETURN(std::optional<int64_t> cursor, ParseLastEventId(call.last_event_id));
  std::shared_ptr<StreamSlot> slot = StreamSlot::Take();
  if (slot == nullptr) {
    return Unavailable("too many event streams (" + std::to_string(kMaxEventStreams) + "); try again later");
  }
  auto streamer = std::make_shared<EventStreamer>(*hub, std::move(filter), cursor, kHeartbeat, call.stopping);
  Reply reply;
  reply.stream = [slot, streamer](std::string* chunk) { return streamer->Next(chunk); };
  return reply;
}

}  // namespace md
