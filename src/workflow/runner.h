#pragma once
// Runner: executes durable operations. Each step's state is written to the
// store as it starts and ends; one operation runs at a time per lock key
// (PlanFactory::LockKey, by default the instance; later ones queue, oldest first); operations left queued or running by a
// previous controller are resumed by Start(). Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "core/event_hub.h"
#include "store/store.h"
#include "workflow/plan.h"

namespace md {

struct RunnerOptions {
  // Per step, for Unavailable errors: with the backoff below, 12 tries are
  // about 40 s of retrying (a database cluster restarting, a lock held elsewhere).
  int max_attempts = 12;
  std::chrono::milliseconds first_backoff{200};        // doubled on each retry
  std::chrono::milliseconds max_backoff{5000};
  int max_concurrent = 16;                             // operations running at once
  // "crash-after:STEP" (from MELTANODATA_FAULT): _exit right after STEP is
  // recorded done, to test resumption. Empty in production.
  std::string fault;
  // Told of every change of an operation as it is stored (queued, started,
  // each step, finished); not owned. Null: nobody listens.
  EventHub* events = nullptr;
};

class Runner {
 public:
  Runner(Store& store, PlanFactory& plans, RunnerOptions options);
  ~Runner();  // Stop()s

  // Persists a queued operation with its steps and wakes the dispatcher.
  Result<Operation> Submit(const std::string& kind, const std::string& subdomain, const std::string& params);
  // The operation Submit would persist, not yet persisted: for a caller that
  // stores it in one transaction with other writes, then calls Notify.
  Result<Operation> NewOperation(const std::string& kind, const std::string& subdomain, const std::string& params);
  // Wakes the dispatcher to look for queued operations.
  void Notify();
  // For an operation from NewOperation, once stored: announces it queued and Notify()s.
  void Submitted(const Operation& op);
  // Resumes unfinished operations and starts dispatching.
  Status Start();
  // Stops taking new steps, lets running steps finish, joins the threads.
  // Unfinished operations stay in the store and resume on the next Start.
  void Stop();
  // Blocks until the operation is final or the timeout passes; for tests.
  Result<Operation> WaitFinal(int64_t id, std::chrono::milliseconds timeout);

 private:
  void DispatchLoop();
  void Execute(Operation op, const std::string& lock_key);
  // Runs one step with retries; returns its final status.
  Status RunStep(Operation& op, StepRecord& step, const PlanStep& plan_step);
  void Finish(Operation& op, const Status& status);
  bool SleepUnlessStopping(std::chrono::milliseconds d);
  // Tells options_.events of a change of `op` (and of its step `step`).
  void Publish(EventType type, const Operation& op, const StepRecord* step = nullptr);

  Store& store_;
  PlanFactory& plans_;
  RunnerOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool submitted_ = false;                 // a Submit since the dispatcher last looked
  bool started_ = false;
  std::set<std::string> busy_;             // lock keys with a running operation
  std::map<int64_t, std::thread> workers_; // running operations
  std::set<int64_t> finished_workers_;     // to be joined by the dispatcher
  std::thread dispatcher_;
};

}  // namespace md
