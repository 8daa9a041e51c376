// GET /v1/instances/SUB/logs/stream: the streamer over a scripted
// controller (opening, new pieces, heartbeats, the end when the instance is
// gone, stop, age), then over HTTP with the CLI's reader and `logs --follow`.

#include "api/log_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

#include "api/event_stream.h"
#include "api/server.h"
#include "cli/cli.h"
#include "cli/event_feed.h"
#include "fake_controller.h"

namespace md {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Logs that grow when told to: a cursor is the number of pieces read.
class GrowingLogs : public FakeController {
 public:
  Result<LogChunk> ReadLogs(const std::string& sub, int lines, const std::string& cursor) override {
    std::lock_guard lock(mu_);
    ++reads;
    if (gone) return NotFound("no instance '" + sub + "'");
    last_lines = lines;
    size_t from = cursor.empty() ? 0 : std::stoul(cursor);
    std::string text;
    for (size_t i = from; i < pieces_.size(); ++i) text += pieces_[i];
    return LogChunk{text, std::to_string(pieces_.size())};
  }
  void Write(const std::string& piece) {
    std::lock_guard lock(mu_);
    pieces_.push_back(piece);
  }
  std::atomic<bool> gone{false};
  std::atomic<int> reads{0};
  std::atomic<int> last_lines{0};

 private:
  std::mutex mu_;
  std::vector<std::string> pieces_;
};

std::vector<cli::FeedEvent> ParseAll(const std::string& bytes) {
  std::vector<cli::FeedEvent> out;
  cli::SseParser parser;
  parser.Feed(bytes, [&](cli::FeedEvent e) { out.push_back(std::move(e)); });
  return out;
}

const LogStreamTiming kFast{.poll = 5ms, .heartbeat = 60ms, .max_age = 10s};

TEST(LogStream, OpensWithTheTailThenSendsEachNewPieceWithItsCursor) {
  GrowingLogs logs;
  logs.Seed("acme");
  logs.Write("one\ntwo\n");
  std::atomic<bool> stopping{false};
  LogStreamer streamer(logs, "acme", 7, "", kFast, stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  EXPECT_EQ(chunk.rfind("retry: 1000\n: connected\n\n", 0), 0u) << chunk;
  std::vector<cli::FeedEvent> got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, "log");
  EXPECT_EQ(got[0].id_text, "1");
  EXPECT_EQ(got[0].data["text"], "one\ntwo\n");
  EXPECT_EQ(logs.last_lines, 7);

  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    logs.Write("three\n");
  });
  ASSERT_TRUE(streamer.Next(&chunk));
  writer.join();
  got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 1u) << chunk;
  EXPECT_EQ(got[0].id_text, "2");
  EXPECT_EQ(got[0].data["text"], "three\n") << "only what is new";
  EXPECT_EQ(std::count(chunk.begin(), chunk.end(), '\n'), 4) << "one line of JSON, whatever the text holds";

  ASSERT_TRUE(streamer.Next(&chunk));
  EXPECT_EQ(chunk, ": keep-alive\n\n") << "nothing new within the heartbeat";
}

TEST(LogStream, AnOpeningWithNothingWrittenStillSaysWhereToResume) {
  GrowingLogs logs;
  std::atomic<bool> stopping{false};
  LogStreamer streamer(logs, "acme", 10, "", kFast, stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  std::vector<cli::FeedEvent> got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id_text, "0");
  EXPECT_EQ(got[0].data["text"], "");
}

TEST(LogStream, ResumesFromACursorWithoutRepeatingAnything) {
  GrowingLogs logs;
  logs.Write("old\n");
  logs.Write("new\n");
  std::atomic<bool> stopping{false};
  LogStreamer streamer(logs, "acme", 10, "1", kFast, stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  std::vector<cli::FeedEvent> got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data["text"], "new\n");
}

TEST(LogStream, EndsWithNotFoundWhenTheInstanceIsGone) {
  GrowingLogs logs;
  std::atomic<bool> stopping{false};
  LogStreamer streamer(logs, "acme", 10, "", kFast, stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  logs.gone = true;
  ASSERT_TRUE(streamer.Next(&chunk));
  std::vector<cli::FeedEvent> got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].type, "end");
  EXPECT_EQ(got[0].data["error"]["code"], "not_found");
  EXPECT_EQ(got[0].data["error"]["message"], "instance acme no longer exists");
  EXPECT_FALSE(streamer.Next(&chunk));
}

TEST(LogStream, EndsPromptlyWhenTheServerStopsAndWhenItIsOld) {
  GrowingLogs logs;
  std::atomic<bool> stopping{false};
  LogStreamer streamer(logs, "acme", 10, "", {.poll = 10s, .heartbeat = 10s, .max_age = 10s}, stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  std::thread stopper([&] {
    std::this_thread::sleep_for(30ms);
    stopping = true;
  });
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(streamer.Next(&chunk));
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "a sleeping stream wakes when the server stops";

  std::atomic<bool> running{false};
  LogStreamer old(logs, "acme", 10, "", {.poll = 5ms, .heartbeat = 10s, .max_age = 40ms}, running);
  ASSERT_TRUE(old.Next(&chunk));
  started = std::chrono::steady_clock::now();
  EXPECT_FALSE(old.Next(&chunk)) << "a stream past its age ends; the client resumes with Last-Event-ID";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

class LogStreamServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logs_.Seed("acme");
    logs_.Write("before\n");
    server_ = std::make_unique<ApiServer>(logs_, "tok", "127.0.0.1", 0);
    ASSERT_TRUE(server_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  GrowingLogs logs_;
  std::unique_ptr<ApiServer> server_;
  std::string url_;
};

// The next `log` or `end` event of `feed`.
std::optional<cli::FeedEvent> NextLog(cli::EventFeed& feed) {
  for (int i = 0; i < 50; ++i) {
    std::optional<cli::FeedEvent> e = feed.Next(milliseconds(100));
    if (e && (e->type == "log" || e->type == "end")) return e;
  }
  return std::nullopt;
}

TEST_F(LogStreamServerTest, TheFeedGetsTheTailThenLinesWrittenAfterItOpened) {
  auto feed = cli::EventFeed::Open(url_, "tok", {{"lines", "3"}}, "/v1/instances/acme/logs/stream");
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  std::optional<cli::FeedEvent> e = NextLog(**feed);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data["text"], "before\n");
  logs_.Write("after\n");
  e = NextLog(**feed);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->data["text"], "after\n");
  EXPECT_EQ(logs_.last_lines, 3);
}

TEST_F(LogStreamServerTest, RefusesUnknownInstancesBadCursorsAndMoreStreamsThanItServes) {
  auto unknown = cli::EventFeed::Open(url_, "tok", {}, "/v1/instances/ghost/logs/stream");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  auto bad = cli::EventFeed::Open(url_, "tok", {{"cursor", "../x"}}, "/v1/instances/acme/logs/stream");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  // Event streams and log streams share the places.
  std::vector<std::unique_ptr<cli::EventFeed>> feeds;
  for (int i = 0; i < kMaxEventStreams; ++i) {
    auto feed = i % 2 ? cli::EventFeed::Open(url_, "tok", {}) :
                        cli::EventFeed::Open(url_, "tok", {}, "/v1/instances/acme/logs/stream");
    ASSERT_TRUE(feed.ok()) << i << ": " << feed.status().message();
    feeds.push_back(std::move(*feed));
  }
  auto refused = cli::EventFeed::Open(url_, "tok", {}, "/v1/instances/acme/logs/stream");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
}

TEST_F(LogStreamServerTest, StopEndsOpenStreamsAtOnce) {
  auto feed = cli::EventFeed::Open(url_, "tok", {}, "/v1/instances/acme/logs/stream");
  ASSERT_TRUE(feed.ok());
  auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(LogStreamServerTest, LogsFollowPrintsNewLinesOnceAndEndsWhenTheInstanceIsGone) {
  setenv("MELTANODATA_TOKEN", "tok", 1);
  std::ostringstream out, err;
  std::istringstream in;
  int code = -1;
  std::thread follow([&] { code = RunCli({"logs", "acme", "--follow", "--server", url_}, out, err, in); });
  while (logs_.reads < 2) std::this_thread::sleep_for(5ms);  // following
  logs_.Write("after\n");
  const int read = logs_.reads;
  while (logs_.reads < read + 2) std::this_thread::sleep_for(5ms);  // it was read
  logs_.gone = true;
  follow.join();
  unsetenv("MELTANODATA_TOKEN");
  EXPECT_EQ(out.str(), "before\nafter\n");
  EXPECT_EQ(err.str(), "error: instance acme no longer exists\n");
  EXPECT_EQ(code, 3);
}

}  // namespace
}  // namespace md
