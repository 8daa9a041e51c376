#pragma once
// GET /v1/instances/{subdomain}/logs/stream: an instance's logs as
// server-sent events. The stream opens with the last `lines` lines (or, given
// a cursor or a Last-Event-ID, with what was written since it), then sends
// each new piece of the logs as it is written: one `event: log` frame, `id:`
// the cursor after it (so a client that reconnects with Last-Event-ID gets no
// line twice), `data:` the LogChunk as JSON. The logs are read only through
// Controller::ReadLogs (TenantFs: no symlink, FIFO or hard link a tenant
// planted is followed; at most 1 MiB a source per read), every `poll` (the
// files are the tenant's: the controller does not watch them). A comment at
// least every `heartbeat`; `event: end` when the instance
// is gone or its logs cannot be read (data: the error, as an error answer's body); the stream also ends when the server
// stops and after `max_age` (the client reconnects with Last-Event-ID), so a
// stream never holds a server thread for long. It takes one of the
// kMaxEventStreams places (api/event_stream.h).

#include <atomic>
#include <chrono>
#include <string>

#include "api/controller.h"
#include "api/routes.h"
#include "core/status.h"

namespace md {

struct LogStreamTiming {
  std::chrono::milliseconds poll{250};
  std::chrono::milliseconds heartbeat{15000};
  std::chrono::milliseconds max_age{std::chrono::minutes(30)};
};

// Frames.
std::string SseLogFrame(const LogChunk& chunk);
std::string SseEndFrame(const Status& why);

// One client's stream of one instance's logs. Next() is called from one thread.
class LogStreamer {
 public:
  // `cursor` "" starts with the last `lines` lines.
  LogStreamer(Controller& controller, std::string subdomain, int lines, std::string cursor, LogStreamTiming timing,
              const std::atomic<bool>& stopping);
  // The next chunk to send: the opening with the first lines, then each new
  // piece as it is written (waiting for it), or a comment when `heartbeat`
  // passed without any, or the end frame. False once the stream is over.
  bool Next(std::string* chunk);

 private:
  // Reads what is new; false when the stream must end (`*chunk` then holds the end frame).
  bool Read(std::string* chunk);
  // Sleeps `d`, waking early when the server stops.
  void Sleep(std::chrono::milliseconds d) const;

  Controller& controller_;
  std::string subdomain_;
  int lines_;
  std::string cursor_;
  LogStreamTiming timing_;
  const std::atomic<bool>& stopping_;
  std::chrono::steady_clock::time_point opened_at_;
  bool opened_ = false;
  bool ended_ = false;
};

// The handler of GET /v1/instances/{subdomain}/logs/stream.
Result<Reply> StreamLogs(Controller& controller, const RouteCall& call);

}  // namespace md
