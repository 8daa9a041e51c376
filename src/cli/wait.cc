#include "cli/wait.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/args.h"
#include "cli/event_feed.h"
#include "cli/interrupt.h"
#include "cli/output.h"

namespace md::cli {
namespace {

constexpr int kDefaultPollMs = 150;
constexpr auto kLostControllerGrace = std::chrono::seconds(60);
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);  // how soon Ctrl-C is noticed

struct Tracked {
  Operation op;
  std::vector<bool> printed;  // per step
  bool said_queued = false;
  bool finished = false;
  int exit_code = kExitOk;
};

// The poll interval, when the controller streams no events, once an
// operation has run for a while: ~150 ms, or MELTANODATA_POLL_MS (1-5000;
// tests make it short).
std::chrono::milliseconds PollInterval() {
  long long ms = kDefaultPollMs;
  if (const char* env = std::getenv("MELTANODATA_POLL_MS"); env != nullptr && !ParseInt(env, 1, 5000, &ms)) {
    ms = kDefaultPollMs;
  }
  return std::chrono::milliseconds(ms);
}

// Most operations finish within a second: poll briskly at first, so that the
// wait adds little to them, then settle to `steady`.
std::chrono::milliseconds NextPoll(std::chrono::steady_clock::duration waited, std::chrono::milliseconds steady) {
  constexpr auto kBriskFor = std::chrono::seconds(5);
  constexpr auto kBrisk = std::chrono::milliseconds(20);
  return waited < kBriskFor ? std::min(kBrisk, steady) : steady;
}

bool IsFinished(const Operation& op) {
  return op.state == OperationState::kSucceeded || op.state == OperationState::kFailed;
}

std::string Pad(const std::string& s, size_t width) {
  size_t w = DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

void PrintNewSteps(Context& ctx, Tracked& t, const std::string& label) {
  const auto& steps = t.op.steps;
  t.printed.resize(steps.size(), false);
  size_t name_width = 0;
  for (const auto& s : steps) name_width = std::max(name_width, DisplayWidth(s.name));
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepRecord& s = steps[i];
    if (t.printed[i] || (s.state != StepState::kDone && s.state != StepState::kFailed)) continue;
    t.printed[i] = true;
    std::string line = "  " + label + (s.state == StepState::kDone ? "✓ " : "✗ ") + Pad(s.name, name_width) + "  " +
                       FormatDurationMs(s.finished_ms - s.started_ms);
    if (s.attempts > 1) line += " (" + std::to_string(s.attempts) + " attempts)";
    if (s.state == StepState::kFailed && !s.error.empty()) line += "  " + s.error;
    ctx.out << line << "\n";
  }
  ctx.out.flush();
}

// Says what a queued operation waits for: an earlier unfinished operation on
// the same instance, or a free worker.
void SayQueued(Context& ctx, ApiClient& client, const Operation& op, const std::string& label) {
  std::string text = "queued: waiting for the controller to start it";
  Result<std::vector<Operation>> recent =
      client.GetAs<std::vector<Operation>>("/v1/operations", {{"subdomain", op.subdomain}, {"limit", "50"}});
  if (recent.ok()) {
    const Operation* blocker = nullptr;
    for (const Operation& other : *recent) {
      if (other.id >= op.id || IsFinished(other)) continue;
      bool better = blocker == nullptr || (other.state == OperationState::kRunning && blocker->state != OperationState::kRunning) ||
                    (other.state == blocker->state && other.id < blocker->id);
      if (better) blocker = &other;
    }
    if (blocker != nullptr) {
      text = "queued behind operation #" + std::to_string(blocker->id) + " (" + Describe(*blocker) + ", " +
             OperationStateName(blocker->state) + ")";
    }
  }
  ctx.out << "  " << label << text << "\n";
  ctx.out.flush();
}

std::string FailureMessage(const Operation& op) {
  std::string message = Describe(op) + " failed";
  for (const StepRecord& s : op.steps) {
    if (s.state == StepState::kFailed && op.error.find(s.name) == std::string::npos) {
      message += " at step " + s.name;
      break;
    }
  }
  std::string error = op.error.empty() ? "no error recorded" : op.error;
  return message + ": " + error + " (details: `meltanodata ops show " + std::to_string(op.id) + "`)";
}

}  // namespace

std::string Describe(const Operation& op) {
  return op.subdomain.empty() ? op.kind : op.kind + " " + op.subdomain;
}

int WaitAndReport(Context& ctx, const std::vector<Operation>& ops, bool as_array, const SuccessLine& success) {
  if (ctx.args.Has("--no-wait")) {
    if (ctx.json) {
      PrintJson(ctx.out, as_array ? ToJson(ops) : ToJson(ops.front()));
      return kExitOk;
    }
    for (const Operation& op : ops) {
      ctx.out << "operation #" << op.id << " " << OperationStateName(op.state) << ": " << Describe(op)
              << "; follow it with `meltanodata ops show " << op.id << "`\n";
    }
    return kExitOk;
  }
  if (ops.empty()) {
    if (ctx.json) PrintJson(ctx.out, Json::array());
    return kExitOk;
  }
  Result<ApiClient*> client = ctx.Client();
  if (!client.ok()) return PrintError(ctx.err, client.status());

  std::vector<Tracked> tracked;
  size_t label_width = 0;
  for (const Operation& op : ops) {
    tracked.push_back({op, {}, false, IsFinished(op), kExitOk});
    label_width = std::max(label_width, DisplayWidth(op.subdomain));
  }
  const bool multi = ops.size() > 1;
  auto label = [&](const Operation& op) { return multi ? Pad(op.subdomain, label_width) + "  " : std::string(); };
  const bool progress = !ctx.json;
  if (progress) {
    for (const Operation& op : ops) ctx.out << Describe(op) << " (operation #" << op.id << ")\n";
    ctx.out.flush();
  }

  // News of the operations comes from the controller's event stream; from
  // polling only when it has none (an older controller) or refuses one.
  Query query = {{"operation", ""}};
  for (const Tracked& t : tracked) query[0].second += (query[0].second.empty() ? "" : ",") + std::to_string(t.op.id);
  Result<std::unique_ptr<EventFeed>> feed = EventFeed::Open((*client)->url(), (*client)->token(), query);

  const auto poll_interval = PollInterval();
  const auto wait_started = std::chrono::steady_clock::now();
  InterruptGuard interrupt;
  auto lost_since = std::chrono::steady_clock::time_point();
  bool said_lost = false;
  // The controller cannot be reached: says so once, gives up after the grace period.
  auto lost = [&]() {
    auto now = std::chrono::steady_clock::now();
    if (lost_since == std::chrono::steady_clock::time_point()) lost_since = now;
    if (!said_lost && progress) {
      ctx.out << "  (the controller is not answering; still waiting)\n";
      ctx.out.flush();
      said_lost = true;
    }
    return now - lost_since >= kLostControllerGrace;
  };
  // Takes in the operation as it now stands: prints what is new, and its end.
  auto update = [&](Tracked& t, Operation op) {
    lost_since = {};
    said_lost = false;
    t.op = std::move(op);
    if (progress) {
      if (t.op.state == OperationState::kQueued && !t.said_queued) {
        SayQueued(ctx, **client, t.op, label(t.op));
        t.said_queued = true;
      }
      PrintNewSteps(ctx, t, label(t.op));
    }
    if (!IsFinished(t.op)) return;
    t.finished = true;
    if (t.op.state == OperationState::kSucceeded) {
      if (progress) {
        std::string line = success ? success(t.op) : "";
        if (line.empty()) line = Describe(t.op) + " done";
        ctx.out << "✓ " << line << " (" << FormatDurationMs(t.op.finished_ms - t.op.started_ms) << ")\n";
        ctx.out.flush();
      }
    } else {
      t.exit_code = PrintError(ctx.err, Internal(FailureMessage(t.op)));
    }
  };
  // Reads the operation from the controller (at the start, after missed events, or when polling).
  auto refresh = [&](Tracked& t) {
    Result<Operation> read = (*client)->GetAs<Operation>("/v1/operations/" + std::to_string(t.op.id));
    if (read.ok()) return update(t, std::move(*read));
    if (read.status().code() == Code::kUnavailable && !lost()) return;
    t.finished = true;
    t.exit_code = PrintError(ctx.err, read.status().WithContext("operation #" + std::to_string(t.op.id)));
  };
  auto unfinished = [&] {
    return std::any_of(tracked.begin(), tracked.end(), [](const Tracked& t) { return !t.finished; });
  };
  auto refresh_all = [&] {
    for (Tracked& t : tracked) {
      if (!t.finished && !interrupt.interrupted()) refresh(t);
    }
  };

  std::this_thread::sleep_for(NextPoll({}, poll_interval));
  refresh_all();
  while (unfinished() && !interrupt.interrupted()) {
    if (!feed.ok()) {
      std::this_thread::sleep_for(NextPoll(std::chrono::steady_clock::now() - wait_started, poll_interval));
      refresh_all();
      continue;
    }
    std::optional<FeedEvent> e = (*feed)->Next(kInterruptCheck);
    if (!e) continue;
    if (e->type == "lost") {
      if (lost()) {
        for (Tracked& t : tracked) {
          if (t.finished) continue;
          t.finished = true;
          t.exit_code = PrintError(ctx.err, Unavailable("lost the controller while waiting")
                                                .WithContext("operation #" + std::to_string(t.op.id)));
        }
      }
    } else if (e->type == "connected") {
      lost_since = {};
      said_lost = false;
    } else if (e->type == "reset") {
      refresh_all();
    } else if (e->data.is_object() && e->data.contains("operation")) {
      Result<Operation> op = ApiClient::Decode<Operation>(e->data["operation"]);
      if (!op.ok()) continue;
      for (Tracked& t : tracked) {
        if (!t.finished && t.op.id == op->id) update(t, std::move(*op));
      }
    }
  }
  if (interrupt.interrupted() && unfinished()) {
    std::string ids;
    for (const Tracked& t : tracked) {
      if (!t.finished) ids += (ids.empty() ? "" : " ") + std::to_string(t.op.id);
    }
    ctx.err << "error: stopped waiting; operation " << ids
            << " continues on the controller: follow it with `meltanodata ops show ID`\n";
    return kExitInterrupted;
  }

  if (ctx.json) {
    std::vector<Operation> final_ops;
    for (const Tracked& t : tracked) final_ops.push_back(t.op);
    PrintJson(ctx.out, as_array ? ToJson(final_ops) : ToJson(final_ops.front()));
  }
  for (const Tracked& t : tracked) {
    if (t.exit_code != kExitOk) return t.exit_code;
  }
  return kExitOk;
}

}  // namespace md::cli
