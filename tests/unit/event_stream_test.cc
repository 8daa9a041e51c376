// GET /v1/events: framing, the streamer's heartbeats and filters, the stream
// over HTTP with resume, and the CLI's reader of it.

#include "api/event_stream.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <vector>

#include "api/server.h"
#include "cli/event_feed.h"
#include "fake_controller.h"

namespace md {
namespace {

using std::chrono::milliseconds;

std::vector<cli::FeedEvent> ParseAll(const std::string& bytes) {
  std::vector<cli::FeedEvent> out;
  cli::SseParser parser;
  // Fed a byte at a time: frames may arrive split anywhere.
  for (char c : bytes) parser.Feed(std::string_view(&c, 1), [&](cli::FeedEvent e) { out.push_back(std::move(e)); });
  return out;
}

TEST(EventStream, FramesAreIdEventAndOneLineOfJson) {
  EventHub hub(8, 41);
  hub.Publish(InstanceEvent("acme", "stopped"));
  Event e = hub.Read(40, 1, milliseconds(0)).events.at(0);
  std::string frame = SseEventFrame(e);
  EXPECT_EQ(frame.rfind("id: 41\nevent: instance.status\ndata: {", 0), 0u) << frame;
  EXPECT_EQ(frame.substr(frame.size() - 2), "\n\n");
  EXPECT_EQ(std::count(frame.begin(), frame.end(), '\n'), 4);
  std::vector<cli::FeedEvent> parsed = ParseAll(SseCommentFrame("keep-alive") + frame + SseResetFrame(41));
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].type, "instance.status");
  EXPECT_EQ(parsed[0].id, 41);
  EXPECT_EQ(parsed[0].data["status"], "stopped");
  EXPECT_EQ(parsed[0].data["subdomain"], "acme");
  EXPECT_EQ(parsed[1].type, "reset");
}

TEST(EventStream, FiltersBySubdomainAndOperation) {
  Operation op;
  op.id = 5;
  op.subdomain = "acme";
  EventFilter by_sub = *ParseEventFilter("acme", std::nullopt);
  EXPECT_TRUE(by_sub.Matches(OperationEvent(EventType::kOperationQueued, op)));
  EXPECT_TRUE(by_sub.Matches(InstanceEvent("acme", "running")));
  EXPECT_FALSE(by_sub.Matches(InstanceEvent("beta", "running")));
  EventFilter by_op = *ParseEventFilter(std::nullopt, "4,5");
  EXPECT_TRUE(by_op.Matches(OperationEvent(EventType::kOperationQueued, op)));
  EXPECT_FALSE(by_op.Matches(InstanceEvent("acme", "running")));
  op.id = 6;
  EXPECT_FALSE(by_op.Matches(OperationEvent(EventType::kOperationQueued, op)));
  for (const char* bad : {"", "x", "1,", ",1", "1,,2", "0", "-1", "1;2"}) {
    EXPECT_FALSE(ParseEventFilter(std::nullopt, bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseEventFilter("ACME", std::nullopt).ok());
}

TEST(EventStream, OpensThenSendsEventsAndAHeartbeatWhenIdleThenEnds) {
  EventHub hub(8, 1);
  std::atomic<bool> stopping{false};
  EventStreamer streamer(hub, {}, std::nullopt, milliseconds(30), stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));
  EXPECT_EQ(chunk, "retry: 1000\n: connected\n\n");
  ASSERT_TRUE(streamer.Next(&chunk));
  EXPECT_EQ(chunk, ": keep-alive\n\n");
  hub.Publish(InstanceEvent("acme", "running"));
  hub.Publish(InstanceEvent("beta", "running"));
  ASSERT_TRUE(streamer.Next(&chunk));
  EXPECT_EQ(ParseAll(chunk).size(), 2u);
  stopping = true;
  EXPECT_FALSE(streamer.Next(&chunk));
}

TEST(EventStream, AResumeFromTooOldSaysResetFirst) {
  EventHub hub(2, 100);
  for (int i = 0; i < 5; ++i) hub.Publish(InstanceEvent("acme", "running"));
  std::atomic<bool> stopping{false};
  EventStreamer streamer(hub, {}, 100, milliseconds(1000), stopping);
  std::string chunk;
  ASSERT_TRUE(streamer.Next(&chunk));  // the opening
  ASSERT_TRUE(streamer.Next(&chunk));
  std::vector<cli::FeedEvent> got = ParseAll(chunk);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].type, "reset");
  EXPECT_EQ(got[1].id, 103);
  EXPECT_EQ(got[2].id, 104);
}

class EventStreamServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.Seed("acme");
    server_ = std::make_unique<ApiServer>(fake_, "tok", "127.0.0.1", 0);
    ASSERT_TRUE(server_->Start().ok());
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  FakeController fake_;
  std::unique_ptr<ApiServer> server_;
  std::string url_;
};

// Waits for the next event of `feed` that is not the feed's own.
std::optional<cli::FeedEvent> NextEvent(cli::EventFeed& feed) {
  for (int i = 0; i < 50; ++i) {
    std::optional<cli::FeedEvent> e = feed.Next(milliseconds(100));
    if (e) return e;
  }
  return std::nullopt;
}

TEST_F(EventStreamServerTest, StreamsOperationAndInstanceEventsAsTheyHappen) {
  auto feed = cli::EventFeed::Open(url_, "tok", {{"subdomain", "acme"}});
  ASSERT_TRUE(feed.ok()) << feed.status().message();
  Operation op = *fake_.ChangeLifecycle("acme", Lifecycle::kStop);
  std::vector<std::string> types;
  while (types.empty() || types.back() != "instance.status") {
    std::optional<cli::FeedEvent> e = NextEvent(**feed);
    ASSERT_TRUE(e) << "after " << types.size() << " events";
    types.push_back(e->type);
    if (e->type == "instance.status") {
      EXPECT_EQ(e->data["status"], "stopped");
    }
    if (e->data.contains("operation")) {
      EXPECT_EQ(e->data["operation"]["id"], op.id);
    }
    if (types.size() < 5) (void)fake_.GetOperation(op.id);  // advances it
  }
  EXPECT_EQ(types, (std::vector<std::string>{"operation.queued", "operation.started", "step.done",
                                             "operation.finished", "instance.status"}));
}

TEST_F(EventStreamServerTest, ResumesAfterTheLastEventIdItWasGiven) {
  httplib::Client client("127.0.0.1", server_->port());
  const Operation op = *fake_.ChangeLifecycle("acme", Lifecycle::kRestart);
  const int64_t queued = fake_.Events()->last_id();
  (void)fake_.GetOperation(op.id);  // started
  std::string body;
  client.Get("/v1/events", {{"Authorization", "Bearer tok"}, {"Last-Event-ID", std::to_string(queued)}},
             [&](const char* data, size_t n) {
               body.append(data, n);
               return body.find("operation.started") == std::string::npos;
             });
  EXPECT_NE(body.find("id: " + std::to_string(queued + 1) + "\nevent: operation.started"), std::string::npos) << body;
  EXPECT_EQ(body.find("operation.queued"), std::string::npos) << body;
}

TEST_F(EventStreamServerTest, RefusesMoreStreamsThanItServes) {
  std::vector<std::unique_ptr<cli::EventFeed>> feeds;
  for (int i = 0; i < kMaxEventStreams; ++i) {
    auto feed = cli::EventFeed::Open(url_, "tok", {});
    ASSERT_TRUE(feed.ok()) << i << ": " << feed.status().message();
    feeds.push_back(std::move(*feed));
  }
  auto refused = cli::EventFeed::Open(url_, "tok", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
  EXPECT_NE(refused.status().message().find("too many event streams"), std::string::npos);
  // Other routes still answer.
  httplib::Client client("127.0.0.1", server_->port());
  EXPECT_EQ(client.Get("/v1/instances", {{"Authorization", "Bearer tok"}})->status, 200);
}

TEST_F(EventStreamServerTest, StopEndsOpenStreamsAtOnce) {
  auto feed = cli::EventFeed::Open(url_, "tok", {});
  ASSERT_TRUE(feed.ok());
  auto started = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  std::optional<cli::FeedEvent> e = NextEvent(**feed);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "lost");
}

}  // namespace
}  // namespace md
