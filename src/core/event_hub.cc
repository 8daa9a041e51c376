#include "core/event_hub.h"

#include <algorithm>

#include "core/clock.h"

namespace md {

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kOperationQueued: return "operation.queued";
    case EventType::kOperationStarted: return "operation.started";
    case EventType::kStepStarted: return "step.started";
    case EventType::kStepRetrying: return "step.retrying";
    case EventType::kStepDone: return "step.done";
    case EventType::kStepFailed: return "step.failed";
    case EventType::kOperationFinished: return "operation.finished";
    case EventType::kInstanceStatus: return "instance.status";
  }
  return "unknown";
}

Event OperationEvent(EventType type, const Operation& op, int step) {
  Event e;
  e.type = type;
  e.subdomain = op.subdomain;
  e.operation = op;
  e.step = step;
  return e;
}

Event InstanceEvent(const std::string& subdomain, const std::string& status) {
  Event e;
  e.type = EventType::kInstanceStatus;
  e.subdomain = subdomain;
  e.status = status;
  return e;
}

EventHub::EventHub(size_t capacity, int64_t first_id)
    : capacity_(std::max<size_t>(capacity, 1)),
      first_id_(first_id > 0 ? first_id : NowMs() * 1000),
      last_id_(first_id_ - 1) {}

int64_t EventHub::Publish(Event event) {
  int64_t id;
  {
    std::lock_guard lock(mu_);
    id = ++last_id_;
    event.id = id;
    event.at_ms = NowMs();
    ring_.push_back(std::move(event));
    if (ring_.size() > capacity_) ring_.pop_front();
  }
  changed_.notify_all();
  return id;
}

int64_t EventHub::last_id() const {
  std::lock_guard lock(mu_);
  return last_id_;
}

void EventHub::WakeAll() {
  { std::lock_guard lock(mu_); }  // a reader between its check and its wait sees the flag after this
  changed_.notify_all();
}

EventBatch EventHub::Read(int64_t cursor, size_t max, std::chrono::milliseconds timeout,
                          const std::atomic<bool>* cancel) {
  std::unique_lock lock(mu_);
  EventBatch batch;
  // A cursor this hub never gave: from a previous controller, or not yet given.
  if (cursor < first_id_ - 1 || cursor > last_id_) {
    batch.missed = true;
    cursor = ring_.empty() ? last_id_ : ring_.front().id - 1;
  }
  changed_.wait_for(lock, timeout, [&] { return last_id_ > cursor || (cancel != nullptr && cancel->load()); });
  if (!ring_.empty() && cursor < ring_.front().id - 1) {
    batch.missed = true;  // fell behind the ring
    cursor = ring_.front().id - 1;
  }
  if (!ring_.empty() && cursor < last_id_) {
    size_t at = static_cast<size_t>(cursor + 1 - ring_.front().id);
    for (; at < ring_.size() && batch.events.size() < max; ++at) batch.events.push_back(ring_[at]);
    cursor = batch.events.back().id;
  }
  batch.cursor = cursor;
  return batch;
}

}  // namespace md
