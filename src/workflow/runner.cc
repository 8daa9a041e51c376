#include "workflow/runner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/clock.h"

namespace md {

Runner::Runner(Store& store, PlanFactory& plans, RunnerOptions options)
    : store_(store), plans_(plans), options_(std::move(options)) {}

Runner::~Runner() { Stop(); }

Result<Operation> Runner::NewOperation(const std::string& kind, const std::string& subdomain,
                                      const std::string& params) {
  MD_ASSIGN_OR_RETURN(std::vector<std::string> names, plans_.StepNames(kind));
  Operation op;
  op.kind = kind;
  op.subdomain = subdomain;
  op.params = params.empty() ? "{}" : params;
  op.created_ms = NowMs();
  for (const auto& name : names) op.steps.push_back(StepRecord{.name = name});
  return op;
}

Result<Operation> Runner::Submit(const std::string& kind, const std::string& subdomain, const std::string& params) {
  MD_ASSIGN_OR_RETURN(Operation op, NewOperation(kind, subdomain, params));
  MD_ASSIGN_OR_RETURN(op.id, store_.InsertOperation(op));
  Submitted(op);
  return op;
}

void Runner::Submitted(const Operation& op) {
  Publish(EventType::kOperationQueued, op);
  Notify();
}

void Runner::Publish(EventType type, const Operation& op, const StepRecord* step) {
  if (options_.events == nullptr) return;
  options_.events->Publish(OperationEvent(type, op, step ? static_cast<int>(step - op.steps.data()) : -1));
}

void Runner::Notify() {
  {
    std::lock_guard lock(mu_);
    submitted_ = true;
  }
  wake_.notify_all();
}

Status Runner::Start() {
  std::lock_guard lock(mu_);
  if (started_) return Status::Ok();
  started_ = true;
  stopping_ = false;
  dispatcher_ = std::thread([this] { DispatchLoop(); });
  return Status::Ok();
}

void Runner::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!started_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
  std::map<int64_t, std::thread> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
    started_ = false;
  }
  for (auto& [id, t] : workers) t.join();
}

void Runner::DispatchLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    for (int64_t id : finished_workers_) {
      auto it = workers_.find(id);
      if (it != workers_.end()) {
        it->second.join();
        workers_.erase(it);
      }
    }
    finished_workers_.clear();

    lock.unlock();
    auto pending = store_.ListOperationsInState({OperationState::kQueued, OperationState::kRunning});
    lock.lock();
    if (pending.ok()) {
      for (Operation& op : *pending) {
        if (stopping_ || static_cast<int>(workers_.size()) >= options_.max_concurrent) break;
        std::string key = plans_.LockKey(op);
        if (workers_.count(op.id) || busy_.count(key)) continue;
        busy_.insert(key);
        workers_.emplace(op.id, std::thread([this, op = std::move(op), key]() mutable { Execute(std::move(op), key); }));
      }
    } else {
      std::fprintf(stderr, "runner: cannot list operations: %s\n", pending.status().message().c_str());
    }
    // Submissions and finished operations wake the dispatcher; the timeout
    // only bounds how long an operation written by another writer waits.
    wake_.wait_for(lock, std::chrono::milliseconds(500),
                   [this] { return stopping_ || !finished_workers_.empty() || std::exchange(submitted_, false); });
  }
}

bool Runner::SleepUnlessStopping(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

Status Runner::RunStep(Operation& op, StepRecord& step, const PlanStep& plan_step) {
  auto backoff = options_.first_backoff;
  while (true) {
    step.state = StepState::kRunning;
    step.attempts += 1;
    step.started_ms = NowMs();
    step.error.clear();
    MD_RETURN_IF_ERROR(store_.UpdateStep(op.id, step));
    Publish(EventType::kStepStarted, op, &step);
    Status s = plan_step.run();
    step.finished_ms = NowMs();
    if (s.ok()) {
      step.state = StepState::kDone;
      MD_RETURN_IF_ERROR(store_.UpdateStep(op.id, step));
      Publish(EventType::kStepDone, op, &step);
      if (options_.fault == "crash-after:" + step.name) {
        std::fprintf(stderr, "fault injection: crashing after step %s\n", step.name.c_str());
        _exit(99);
      }
      return s;
    }
    step.error = s.message();
    int max_attempts = plan_step.max_attempts > 0 ? plan_step.max_attempts : options_.max_attempts;
    bool retry = s.code() == Code::kUnavailable && step.attempts < max_attempts;
    if (!retry) {
      step.state = StepState::kFailed;
      (void)store_.UpdateStep(op.id, step);
      Publish(EventType::kStepFailed, op, &step);
      return s;
    }
    step.state = StepState::kPending;
    (void)store_.UpdateStep(op.id, step);
    Publish(EventType::kStepRetrying, op, &step);
    if (!SleepUnlessStopping(backoff)) return Unavailable("controller stopping");
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

void Runner::Execute(Operation op, const std::string& lock_key) {
  if (op.state != OperationState::kRunning) {
    op.state = OperationState::kRunning;
    op.started_ms = NowMs();
    (void)store_.UpdateOperation(op);
    Publish(EventType::kOperationStarted, op);
  }
  Status status;
  auto plan = plans_.Build(op);
  if (!plan.ok()) {
    status = plan.status();
  } else {
    for (StepRecord& step : op.steps) {
      if (step.state == StepState::kDone) continue;
      {
        std::lock_guard lock(mu_);
        if (stopping_) {
          status = Unavailable("controller stopping");
          break;
        }
      }
      auto it = std::find_if(plan->steps.begin(), plan->steps.end(),
                             [&](const PlanStep& p) { return p.name == step.name; });
      if (it == plan->steps.end()) {
        status = Internal("operation has unknown step " + step.name);
        break;
      }
      status = RunStep(op, step, *it);
      if (!status.ok()) {
        status = status.WithContext(step.name);
        break;
      }
    }
    bool interrupted;
    {
      std::lock_guard lock(mu_);
      interrupted = stopping_ && !status.ok();
    }
    if (!status.ok() && !interrupted && plan->on_failure) status = plan->on_failure(status);
  }
  bool interrupted;
  {
    std::lock_guard lock(mu_);
    interrupted = stopping_ && !status.ok();
  }
  // An operation interrupted by Stop() stays running in the store; it resumes.
  if (!interrupted) Finish(op, status);
  std::lock_guard lock(mu_);
  busy_.erase(lock_key);
  finished_workers_.insert(op.id);
  wake_.notify_all();
}

void Runner::Finish(Operation& op, const Status& status) {
  op.state = status.ok() ? OperationState::kSucceeded : OperationState::kFailed;
  op.error = status.ok() ? "" : status.message();
  op.finished_ms = NowMs();
  (void)store_.UpdateOperation(op);
  Publish(EventType::kOperationFinished, op);
}

Result<Operation> Runner::WaitFinal(int64_t id, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    MD_ASSIGN_OR_RETURN(Operation op, store_.GetOperation(id));
    if (op.state == OperationState::kSucceeded || op.state == OperationState::kFailed) return op;
    if (std::chrono::steady_clock::now() > deadline) return Unavailable("operation still " + std::string(OperationStateName(op.state)));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace md
