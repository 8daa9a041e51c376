// EventHub: ids, the bounded ring, cursors that fell behind or were never
// given, and waiting.

#include "core/event_hub.h"

#include <gtest/gtest.h>

#include <thread>

namespace md {
namespace {

using std::chrono::milliseconds;

Event Named(const std::string& sub) { return InstanceEvent(sub, "running"); }

TEST(EventHub, GivesEventsAfterTheCursorInOrder) {
  EventHub hub(8, 100);
  EXPECT_EQ(hub.last_id(), 99);
  EXPECT_EQ(hub.Publish(Named("a")), 100);
  EXPECT_EQ(hub.Publish(Named("b")), 101);
  EventBatch batch = hub.Read(99, 10, milliseconds(0));
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_FALSE(batch.missed);
  EXPECT_EQ(batch.events[0].subdomain, "a");
  EXPECT_GT(batch.events[0].at_ms, 0);
  EXPECT_EQ(batch.cursor, 101);
  EXPECT_TRUE(hub.Read(101, 10, milliseconds(0)).events.empty());
  EXPECT_EQ(hub.Read(99, 1, milliseconds(0)).cursor, 100);  // at most `max`
}

TEST(EventHub, KeepsOnlyTheRingAndTellsASlowReaderItMissedEvents) {
  EventHub hub(3, 1);
  for (int i = 0; i < 10; ++i) hub.Publish(Named("s" + std::to_string(i)));
  EventBatch batch = hub.Read(2, 100, milliseconds(0));
  EXPECT_TRUE(batch.missed);
  ASSERT_EQ(batch.events.size(), 3u);  // the ring: 8, 9, 10
  EXPECT_EQ(batch.events.front().id, 8);
  EXPECT_FALSE(hub.Read(7, 100, milliseconds(0)).missed);
}

TEST(EventHub, ACursorItNeverGaveIsMissed) {
  EventHub hub(8, 1000);
  hub.Publish(Named("a"));
  EventBatch old = hub.Read(5, 10, milliseconds(0));  // a previous controller's id
  EXPECT_TRUE(old.missed);
  EXPECT_EQ(old.events.size(), 1u);
  EventBatch future = hub.Read(5000, 10, milliseconds(0));
  EXPECT_TRUE(future.missed);
}

TEST(EventHub, IdsStartAtTheClockSoTheyGrowAcrossRestarts) {
  EventHub first;
  EventHub second;
  EXPECT_GT(first.last_id(), int64_t{1700000000000} * 1000);
  EXPECT_LE(first.last_id(), second.last_id());
}

TEST(EventHub, AReaderWaitsForTheNextEvent) {
  EventHub hub(8, 1);
  std::thread publisher([&] {
    std::this_thread::sleep_for(milliseconds(50));
    hub.Publish(Named("late"));
  });
  EventBatch batch = hub.Read(hub.last_id(), 10, milliseconds(5000));
  publisher.join();
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].subdomain, "late");
}

TEST(EventHub, WakeAllEndsTheWaitOfACancelledReader) {
  EventHub hub(8, 1);
  std::atomic<bool> cancel{false};
  auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(50));
    cancel = true;
    hub.WakeAll();
  });
  EventBatch batch = hub.Read(hub.last_id(), 10, milliseconds(10000), &cancel);
  stopper.join();
  EXPECT_TRUE(batch.events.empty());
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(5000));
}

TEST(EventHub, OperationEventsCarryTheOperationAndStep) {
  Operation op;
  op.id = 7;
  op.subdomain = "acme";
  op.steps.push_back({.name = "one"});
  Event e = OperationEvent(EventType::kStepDone, op, 0);
  EXPECT_EQ(e.subdomain, "acme");
  EXPECT_EQ(e.operation.id, 7);
  EXPECT_EQ(e.step, 0);
  EXPECT_STREQ(EventTypeName(e.type), "step.done");
  EXPECT_STREQ(EventTypeName(EventType::kInstanceStatus), "instance.status");
}

}  // namespace
}  // namespace md
