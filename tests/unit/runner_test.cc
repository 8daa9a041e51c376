#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>

#include "store/sqlite_store.h"
#include "workflow/runner.h"

namespace md {
namespace {

using namespace std::chrono_literals;

// A plan factory whose steps record their runs and fail as scripted.
class ScriptedPlans final : public PlanFactory {
 public:
  // Step `name` fails with `status` for its next `times` runs.
  void FailStep(const std::string& name, Status status, int times) {
    std::lock_guard lock(mu_);
    failures_[name] = {status, times};
  }
  int Runs(const std::string& name) {
    std::lock_guard lock(mu_);
    return runs_[name];
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  std::atomic<bool> failure_handler_ran{false};
  std::atomic<bool> hold_mail{false};  // "mail" operations wait while set

  Result<std::vector<std::string>> StepNames(const std::string& kind) override {
    if (kind == "bad") return InvalidArgument("unknown kind");
    return std::vector<std::string>{"one", "two", "three"};
  }

  std::string LockKey(const Operation& op) override { return op.kind == "mail" ? "mail:" : op.subdomain; }

  Result<Plan> Build(const Operation& op) override {
    Plan plan;
    for (const char* name : {"one", "two", "three"}) {
      plan.steps.push_back({name, [this, name, sub = op.subdomain, mail = op.kind == "mail"] {
                              while (mail && hold_mail) std::this_thread::sleep_for(1ms);
                              return Run(sub, name);
                            }});
    }
    plan.on_failure = [this](const Status& s) {
      failure_handler_ran = true;
      return s.WithContext("handled");
    };
    return plan;
  }

 private:
  Status Run(const std::string& sub, const std::string& name) {
    int now = ++concurrent;
    int prev = max_concurrent.load();
    while (now > prev && !max_concurrent.compare_exchange_weak(prev, now)) {
    }
    std::this_thread::sleep_for(2ms);
    --concurrent;
    std::lock_guard lock(mu_);
    runs_[name]++;
    order_.push_back(sub + ":" + name);
    auto it = failures_.find(name);
    if (it != failures_.end() && it->second.second > 0) {
      it->second.second--;
      return it->second.first;
    }
    return Status::Ok();
  }

  std::mutex mu_;
  std::map<std::string, int> runs_;
  std::map<std::string, std::pair<Status, int>> failures_;
  std::vector<std::string> order_;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open(":memory:");
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(*s);
  }
  RunnerOptions FastOptions() {
    RunnerOptions o;
    o.first_backoff = 1ms;
    o.max_backoff = 4ms;
    o.max_attempts = 3;
    return o;
  }
  std::unique_ptr<SqliteStore> store_;
  ScriptedPlans plans_;
};

TEST_F(RunnerTest, RunsEveryStepAndRecordsTimings) {
  Runner runner(*store_, plans_, FastOptions());
  ASSERT_TRUE(runner.Start().ok());
  auto op = runner.Submit("create", "acme", "{}");
  ASSERT_TRUE(op.ok());
  auto done = runner.WaitFinal(op->id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kSucceeded);
  ASSERT_EQ(done->steps.size(), 3u);
  for (const auto& step : done->steps) {
    EXPECT_EQ(step.state, StepState::kDone) << step.name;
    EXPECT_GT(step.started_ms, 0);
    EXPECT_GE(step.finished_ms, step.started_ms);
  }
}

TEST_F(RunnerTest, RetriesUnavailableStepsWithBackoff) {
  plans_.FailStep("two", Unavailable("cluster down"), 2);
  Runner runner(*store_, plans_, FastOptions());
  ASSERT_TRUE(runner.Start().ok());
  auto op = runner.Submit("create", "acme", "{}");
  auto done = runner.WaitFinal(op->id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kSucceeded);
  EXPECT_EQ(done->steps[1].attempts, 3);
  EXPECT_EQ(plans_.Runs("two"), 3);
}

TEST_F(RunnerTest, PublishesEveryChangeOfAnOperationAsItIsStored) {
  plans_.FailStep("two", Unavailable("cluster down"), 1);
  EventHub hub(64, 1);
  RunnerOptions options = FastOptions();
  options.events = &hub;
  Runner runner(*store_, plans_, options);
  ASSERT_TRUE(runner.Start().ok());
  auto op = runner.Submit("create", "acme", "{}");
  ASSERT_TRUE(runner.WaitFinal(op->id, 5s).ok());
  runner.Stop();
  std::vector<std::string> seen;
  for (const Event& e : hub.Read(0, 100, 0ms).events) {
    std::string what = EventTypeName(e.type);
    if (e.step >= 0) what += " " + e.operation.steps[e.step].name + " #" + std::to_string(e.operation.steps[e.step].attempts);
    seen.push_back(what);
    EXPECT_EQ(e.operation.id, op->id);
    EXPECT_EQ(e.subdomain, "acme");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"operation.queued", "operation.started", "step.started one #1",
                                            "step.done one #1", "step.started two #1", "step.retrying two #1",
                                            "step.started two #2", "step.done two #2", "step.started three #1",
                                            "step.done three #1", "operation.finished"}));
  EXPECT_EQ(hub.Read(0, 100, 0ms).events.back().operation.state, OperationState::kSucceeded);
}

TEST_F(RunnerTest, FailsWhenRetriesRunOut) {
  plans_.FailStep("two", Unavailable("cluster down"), 10);
  Runner runner(*store_, plans_, FastOptions());
  ASSERT_TRUE(runner.Start().ok());
  auto op = runner.Submit("create", "acme", "{}");
  auto done = runner.WaitFinal(op->id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kFailed);
  EXPECT_EQ(done->steps[1].state, StepState::kFailed);
  EXPECT_EQ(done->steps[2].state, StepState::kPending);
  EXPECT_EQ(plans_.Runs("three"), 0);
}

TEST_F(RunnerTest, TerminalErrorStopsAtOnceAndRunsFailureHandler) {
  plans_.FailStep("one", Internal("disk full"), 1);
  Runner runner(*store_, plans_, FastOptions());
  ASSERT_TRUE(runner.Start().ok());
  auto op = runner.Submit("create", "acme", "{}");
  auto done = runner.WaitFinal(op->id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kFailed);
  EXPECT_EQ(plans_.Runs("one"), 1);
  EXPECT_TRUE(plans_.failure_handler_ran);
  EXPECT_NE(done->error.find("handled"), std::string::npos);
  EXPECT_NE(done->error.find("disk full"), std::string::npos);
  EXPECT_NE(done->error.find("one"), std::string::npos);
}

TEST_F(RunnerTest, ResumesAnUnfinishedOperationFromItsFirstUndoneStep) {
  Operation op;
  op.kind = "create";
  op.subdomain = "acme";
  op.params = "{}";
  op.state = OperationState::kRunning;
  op.steps = {{.name = "one", .state = StepState::kDone},
              {.name = "two", .state = StepState::kRunning},
              {.name = "three"}};
  auto id = store_->InsertOperation(op);
  ASSERT_TRUE(id.ok());
  Runner runner(*store_, plans_, FastOptions());
  ASSERT_TRUE(runner.Start().ok());
  auto done = runner.WaitFinal(*id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kSucceeded);
  EXPECT_EQ(plans_.Runs("one"), 0);
  EXPECT_EQ(plans_.Runs("two"), 1);
  EXPECT_EQ(plans_.Runs("three"), 1);
}

TEST_F(RunnerTest, RunsOneOperationAtATimePerInstanceInOrder) {
  Runner runner(*store_, plans_, FastOptions());
  auto first = runner.Submit("create", "acme", "{}");
  auto second = runner.Submit("upgrade", "acme", "{}");
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_TRUE(runner.WaitFinal(second->id, 5s).ok());
  ASSERT_TRUE(runner.WaitFinal(first->id, 5s).ok());
  std::vector<std::string> expected = {"acme:one", "acme:two", "acme:three", "acme:one", "acme:two", "acme:three"};
  EXPECT_EQ(plans_.order(), expected);
  EXPECT_EQ(plans_.max_concurrent.load(), 1);
}

TEST_F(RunnerTest, AnOperationWithAnotherLockKeyDoesNotHoldTheInstance) {
  Runner runner(*store_, plans_, FastOptions());
  plans_.hold_mail = true;
  auto mail = runner.Submit("mail", "acme", "{}");
  auto upgrade = runner.Submit("upgrade", "acme", "{}");
  ASSERT_TRUE(runner.Start().ok());
  auto done = runner.WaitFinal(upgrade->id, 5s);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, OperationState::kSucceeded);
  EXPECT_NE(store_->GetOperation(mail->id)->state, OperationState::kSucceeded) << "the mail is still held";
  plans_.hold_mail = false;
  EXPECT_EQ(runner.WaitFinal(mail->id, 5s)->state, OperationState::kSucceeded);
}

TEST_F(RunnerTest, RunsDifferentInstancesConcurrently) {
  Runner runner(*store_, plans_, FastOptions());
  std::vector<int64_t> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(runner.Submit("create", "t" + std::to_string(i), "{}")->id);
  ASSERT_TRUE(runner.Start().ok());
  for (int64_t id : ids) {
    auto done = runner.WaitFinal(id, 5s);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->state, OperationState::kSucceeded);
  }
  EXPECT_GT(plans_.max_concurrent.load(), 1);
}

TEST_F(RunnerTest, RefusesUnknownKindAtSubmit) {
  Runner runner(*store_, plans_, FastOptions());
  auto op = runner.Submit("bad", "acme", "{}");
  EXPECT_EQ(op.status().code(), Code::kInvalidArgument);
}

TEST_F(RunnerTest, StopLeavesUnfinishedWorkToResume) {
  plans_.FailStep("two", Unavailable("slow"), 1000);
  RunnerOptions options = FastOptions();
  options.max_attempts = 1000;
  options.first_backoff = 50ms;
  auto runner = std::make_unique<Runner>(*store_, plans_, options);
  ASSERT_TRUE(runner->Start().ok());
  auto op = runner->Submit("create", "acme", "{}");
  while (plans_.Runs("two") == 0) std::this_thread::sleep_for(1ms);
  runner->Stop();
  auto stored = store_->GetOperation(op->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, OperationState::kRunning);
  EXPECT_EQ(stored->steps[0].state, StepState::kDone);
}

}  // namespace
}  // namespace md
