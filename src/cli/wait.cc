#include "cli/wait.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/args.h"
#include "cli/event_feed.h"
#include "cli/interrupt.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace md::cli {
namespace {

constexpr int kDefaultPollMs = 150;
constexpr auto kLostControllerGrace = std::chrono::seconds(60);
constexpr auto kInterruptCheck = std::chrono::milliseconds(100);  // how soon Ctrl-C is noticed

struct Tracked {
  Operation op;
  bool said_queued = false;
  bool finished = false;
  int exit_code = kExitOk;
};

// The poll interval once an operation has run for a while: ~150 ms, or
// MELTANODATA_POLL_MS (1-5000; tests make it short).
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

// Says what a queued operation waits for: an earlier unfinished operation on
// the same instance, or a free worker.
void SayQueued(Progress& progress, ApiClient& client, const Operation& op, const std::string& label) {
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
  progress.Note(label, text);
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
    tracked.push_back({op, false, IsFinished(op), kExitOk});
    label_width = std::max(label_width, DisplayWidth(op.subdomain));
  }
  const bool multi = ops.size() > 1;
  auto label = [&](const Operation& op) { return multi ? Pad(op.subdomain, label_width) + "  " : std::string(); };
  const bool progress = !ctx.json;
  Progress view(ctx.out, ctx.err, progress ? ctx.out_columns : 0);
  if (progress) {
    for (const Operation& op : ops) view.Started(op);
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
      view.Note("", "(the controller is not answering; still waiting)");
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
        SayQueued(view, **client, t.op, label(t.op));
        t.said_queued = true;
      }
      view.Update(label(t.op), t.op);
    }
    if (!IsFinished(t.op)) return;
    t.finished = true;
    if (t.op.state == OperationState::kSucceeded) {
      if (progress) view.Succeeded(t.op, success ? success(t.op) : "");
    } else {
      t.exit_code = view.Failed(t.op);
    }
  };
  // Reads the operation from the controller (at the start, after missed events, or when polling).
  auto refresh = [&](Tracked& t) {
    Result<Operation> read = (*client)->GetAs<Operation>("/v1/operations/" + std::to_string(t.op.id));
    if (read.ok()) return update(t, std::move(*read));
    if (read.status().code() == Code::kUnavailable && !lost()) return;
    t.finished = true;
    view.Clear();
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
      view.Tick();
      std::this_thread::sleep_for(NextPoll(std::chrono::steady_clock::now() - wait_started, poll_interval));
      refresh_all();
      continue;
    }
    std::optional<FeedEvent> e = (*feed)->Next(kInterruptCheck);
    view.Tick();
    if (!e) continue;
    if (e->type == "lost") {
      if (lost()) {
        for (Tracked& t : tracked) {
          if (t.finished) continue;
          t.finished = true;
          view.Clear();
          t.exit_code = PrintError(ctx.err, Unavailable("lost the controller while waiting")
                                                .WithContext("operation #" + std::to_string(t.op.id)));
        }
      }
    } else if (e->type == "connected") {
      // Back after a lost stream: what happened meanwhile may have sent no
      // event this stream can replay (a new controller, no event seen yet).
      lost_since = {};
      said_lost = false;
      refresh_all();
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
  view.Clear();
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
