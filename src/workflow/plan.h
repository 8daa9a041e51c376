#pragma once
// A Plan is what an operation kind does: named steps, each of which makes one
// resource match its desired state, so re-running a step after a crash is
// always safe. Steps return Unavailable for transient failures (retried with
// backoff) and any other error for terminal ones.

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace md {

struct PlanStep {
  std::string name;
  std::function<Status()> run;
  int max_attempts = 0;  // tries when it returns Unavailable; 0: the runner's
};

struct Plan {
  std::vector<PlanStep> steps;
  // Called once when a step fails terminally (or runs out of retries), with
  // that error; returns the error to record (it may add detail, e.g. log lines).
  std::function<Status(const Status&)> on_failure;
};

// Builds plans for operations. Step names of a kind must be stable: they are
// persisted at submit and matched again when an operation resumes.
class PlanFactory {
 public:
  virtual ~PlanFactory() = default;
  virtual Result<std::vector<std::string>> StepNames(const std::string& kind) = 0;
  virtual Result<Plan> Build(const Operation& op) = 0;
  // Operations with the same key run one at a time, oldest first; by default
  // an instance's operations share its subdomain.
  virtual std::string LockKey(const Operation& op) { return op.subdomain; }
};

}  // namespace md
