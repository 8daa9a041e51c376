#pragma once
// EventHub: the controller's in-process feed of what changes: operations
// (queued, started, each step's progress, finished) and instances (status).
// Publishers (the Runner, the service) never wait for readers: the hub keeps
// the last `capacity` events in a ring and each reader keeps its own cursor
// (the id of the last event it saw), so a slow reader costs no memory; one
// that fell behind the ring, or names an id this hub never gave (a previous
// controller's), is told it missed events and reads on from the oldest kept.
// Ids grow across restarts: they start at the hub's creation time in
// microseconds. Thread-safe; publishers and readers may be any threads.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/types.h"

namespace md {

enum class EventType {
  kOperationQueued,    // persisted, waiting for its turn
  kOperationStarted,   // running
  kStepStarted,        // a step's attempt began
  kStepRetrying,       // an attempt failed with a transient error; it will be tried again
  kStepDone,
  kStepFailed,
  kOperationFinished,  // succeeded or failed (operation.state says which)
  kInstanceStatus,     // an instance's status changed, or it was removed ("deleted")
};

// "operation.queued", "step.done", "instance.status", ...
const char* EventTypeName(EventType type);

struct Event {
  int64_t id = 0;     // set by Publish
  int64_t at_ms = 0;  // set by Publish
  EventType type = EventType::kOperationQueued;
  std::string subdomain;
  Operation operation;  // operation and step events: the operation after the change
  int step = -1;        // step events: the index of the step in operation.steps
  std::string status;   // instance events: the new status's name, or "deleted"
};

// An operation event of `type` about `op` (and its step `step`, or -1).
Event OperationEvent(EventType type, const Operation& op, int step = -1);
// An instance event: `status` is an InstanceStatusName or "deleted".
Event InstanceEvent(const std::string& subdomain, const std::string& status);

struct EventBatch {
  std::vector<Event> events;  // in id order
  bool missed = false;        // events after the cursor were dropped or never known
  int64_t cursor = 0;         // the cursor to read on from
};

class EventHub {
 public:
  static constexpr size_t kDefaultCapacity = 1024;

  // `first_id` 0: the current time in microseconds.
  explicit EventHub(size_t capacity = kDefaultCapacity, int64_t first_id = 0);

  // Stamps `event` with the next id and the time, keeps it, wakes readers.
  // Returns its id.
  int64_t Publish(Event event);
  // The id of the newest event; first_id - 1 before any.
  int64_t last_id() const;
  // Events after `cursor`, at most `max`. With none yet, waits up to
  // `timeout` for one; returns early (possibly empty) once `cancel` is set
  // and WakeAll is called.
  EventBatch Read(int64_t cursor, size_t max, std::chrono::milliseconds timeout,
                  const std::atomic<bool>* cancel = nullptr);
  // Wakes every waiting reader (they check their cancel flag).
  void WakeAll();

 private:
  const size_t capacity_;
  const int64_t first_id_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Event> ring_;
  int64_t last_id_;
};

}  // namespace md
