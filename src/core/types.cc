#include "core/types.h"

#include <array>
#include <utility>

namespace md {
namespace {

template <typename E, size_t N>
bool ParseByName(const std::array<std::pair<E, const char*>, N>& names, const std::string& name, E* out) {
  for (const auto& [value, text] : names) {
    if (name == text) {
      *out = value;
      return true;
    }
  }
  return false;
}

template <typename E, size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& names, E value) {
  for (const auto& [v, text] : names) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<InstanceStatus, const char*>, 6> kInstanceStatus = {{
    {InstanceStatus::kProvisioning, "provisioning"},
    {InstanceStatus::kRunning, "running"},
    {InstanceStatus::kStopped, "stopped"},
    {InstanceStatus::kDegraded, "degraded"},
    {InstanceStatus::kFailed, "failed"},
    {InstanceStatus::kDeleting, "deleting"},
}};

constexpr std::array<std::pair<OperationState, const char*>, 4> kOperationState = {{
    {OperationState::kQueued, "queued"},
    {OperationState::kRunning, "running"},
    {OperationState::kSucceeded, "succeeded"},
    {OperationState::kFailed, "failed"},
}};

constexpr std::array<std::pair<StepState, const char*>, 4> kStepState = {{
    {StepState::kPending, "pending"},
    {StepState::kRunning, "running"},
    {StepState::kDone, "done"},
    {StepState::kFailed, "failed"},
}};

}  // namespace

const char* InstanceStatusName(InstanceStatus s) { return NameOf(kInstanceStatus, s); }
bool ParseInstanceStatus(const std::string& n, InstanceStatus* out) { return ParseByName(kInstanceStatus, n, out); }
const char* OperationStateName(OperationState s) { return NameOf(kOperationState, s); }
bool ParseOperationState(const std::string& n, OperationState* out) { return ParseByName(kOperationState, n, out); }
const char* StepStateName(StepState s) { return NameOf(kStepState, s); }
bool ParseStepState(const std::string& n, StepState* out) { return ParseByName(kStepState, n, out); }

}  // namespace md
