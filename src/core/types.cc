#include "core/types.h"

#include <algorithm>
#include <array>
#include <cctype>
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

constexpr std::array<std::pair<InstanceStatus, const char*>, 7> kInstanceStatus = {{
    {InstanceStatus::kProvisioning, "provisioning"},
    {InstanceStatus::kRunning, "running"},
    {InstanceStatus::kIdle, "idle"},
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

constexpr std::array<std::pair<ResourceKind, const char*>, 10> kResourceKind = {{
    {ResourceKind::kPgRole, "pg_role"},
    {ResourceKind::kPgDatabase, "pg_database"},
    {ResourceKind::kUnixUser, "unix_user"},
    {ResourceKind::kDirectory, "directory"},
    {ResourceKind::kFileAccount, "file_account"},
    {ResourceKind::kCgroup, "cgroup"},
    {ResourceKind::kService, "service"},
    {ResourceKind::kDnsRecord, "dns_record"},
    {ResourceKind::kRoute, "route"},
    {ResourceKind::kWakeEntry, "wake_entry"},
}};

}  // namespace

const char* ResourceKindName(ResourceKind k) { return NameOf(kResourceKind, k); }
bool ParseResourceKind(const std::string& n, ResourceKind* out) { return ParseByName(kResourceKind, n, out); }
const char* InstanceStatusName(InstanceStatus s) { return NameOf(kInstanceStatus, s); }
bool ParseInstanceStatus(const std::string& n, InstanceStatus* out) { return ParseByName(kInstanceStatus, n, out); }
const char* OperationStateName(OperationState s) { return NameOf(kOperationState, s); }
bool ParseOperationState(const std::string& n, OperationState* out) { return ParseByName(kOperationState, n, out); }
const char* StepStateName(StepState s) { return NameOf(kStepState, s); }
bool ParseStepState(const std::string& n, StepState* out) { return ParseByName(kStepState, n, out); }

std::string JoinCertNames(const std::vector<std::string>& names) {
  std::vector<std::string> lower;
  lower.reserve(names.size());
  for (const std::string& n : names) {
    if (n.empty()) continue;
    std::string l = n;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    lower.push_back(std::move(l));
  }
  std::sort(lower.begin(), lower.end());
  lower.erase(std::unique(lower.begin(), lower.end()), lower.end());
  std::string out;
  for (const std::string& n : lower) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

std::vector<std::string> SplitCertNames(const std::string& names) {
  std::vector<std::string> out;
  if (names.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = names.find(',', start);
    out.push_back(names.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace md
