#include "api/log_stream.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "api/event_stream.h"
#include "api/json_codec.h"
#include "api/requests.h"

namespace md {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kRetryMs = 1000;              // how soon a browser reconnects after the stream ends
constexpr milliseconds kStopCheck{50};      // how soon a sleeping stream notices the server stopping

milliseconds Left(Clock::time_point until) {
  return std::chrono::duration_cast<milliseconds>(until - Clock::now());
}

}  // namespace

std::string SseLogFrame(const LogChunk& chunk) {
  return "id: " + chunk.cursor + "\nevent: log\ndata: " + DumpJson(ToJson(chunk)) + "\n\n";
}

std::string SseEndFrame(const Status& why) { return "event: end\ndata: " + DumpJson(ErrorToJson(why)) + "\n\n"; }

LogStreamer::LogStreamer(Controller& controller, std::string subdomain, int lines, std::string cursor,
                         LogStreamTiming timing, const std::atomic<bool>& stopping)
    : controller_(controller),
      subdomain_(std::move(subdomain)),
      lines_(lines),
      cursor_(std::move(cursor)),
      timing_(timing),
      stopping_(stopping) {}

void LogStreamer::Sleep(milliseconds d) const {
  const auto until = Clock::now() + d;
  for (milliseconds left = Left(until); left.count() > 0 && !stopping_.load(); left = Left(until)) {
    std::this_thread::sleep_for(std::min(left, kStopCheck));
  }
}

bool LogStreamer::Read(std::string* chunk) {
  Result<LogChunk> read = controller_.ReadLogs(subdomain_, lines_, cursor_);
  if (!read.ok()) {
    *chunk = SseEndFrame(read.status().code() == Code::kNotFound
                             ? NotFound("instance " + subdomain_ + " no longer exists")
                             : read.status());
    return false;
  }
  // The first read always says where it stopped (the client's place to resume), later ones only when there is news.
  if (!read->cursor.empty()) cursor_ = read->cursor;
  if (!opened_ || !read->text.empty()) *chunk = SseLogFrame(LogChunk{read->text, cursor_});
  return true;
}

bool LogStreamer::Next(std::string* chunk) {
  chunk->clear();
  if (ended_ || stopping_.load()) return false;
  if (!opened_) {
    opened_at_ = Clock::now();
    std::string first;
    ended_ = !Read(&first);
    opened_ = true;
    *chunk = "retry: " + std::to_string(kRetryMs) + "\n: connected\n\n" + first;
    return true;
  }
  const auto heartbeat_at = Clock::now() + timing_.heartbeat;
  const auto too_old_at = opened_at_ + timing_.max_age;
  while (true) {
    Sleep(std::max(milliseconds(0), std::min({timing_.poll, Left(heartbeat_at), Left(too_old_at)})));
    if (stopping_.load() || Clock::now() >= too_old_at) return false;
    if (!Read(chunk)) {
      ended_ = true;
      return true;
    }
    if (!chunk->empty()) return true;
    if (Clock::now() >= heartbeat_at) {
      *chunk = ": keep-alive\n\n";
      return true;
    }
  }
}

Result<Reply> StreamLogs(Controller& controller, const RouteCall& call) {
  const std::string& sub = call.Path("subdomain");
  MD_ASSIGN_OR_RETURN(int64_t lines, ParseIntParam("lines", call.Query("lines"), kDefaultLogLines, 1, kMaxLogLines));
  // A reconnecting client's Last-Event-ID is the cursor of the last piece it was given.
  std::string cursor = call.last_event_id.empty() ? std::string(call.Query("cursor").value_or(""))
                                                  : call.last_event_id;
  MD_RETURN_IF_ERROR(ValidateLogCursor(cursor));
  MD_RETURN_IF_ERROR(controller.GetInstance(sub).status());  // a stream of an unknown instance is a 404, not an end
  std::shared_ptr<StreamSlot> slot = StreamSlot::Take();
  if (slot == nullptr) {
    return Unavailable("too many streams (" + std::to_string(kMaxEventStreams) + "); try again later");
  }
  auto streamer =
      std::make_shared<LogStreamer>(controller, sub, static_cast<int>(lines), cursor, LogStreamTiming{}, call.stopping);
  Reply reply;
  reply.stream = [slot, streamer](std::string* chunk) { return streamer->Next(chunk); };
  return reply;
}

}  // namespace md
