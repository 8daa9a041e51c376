#pragma once
// TenantPlans: the step lists of every operation kind, built from
// TenantSteps. Policy about order, rollback and final status lives here.

#include "service/tenant_steps.h"
#include "workflow/plan.h"

namespace md {

namespace op_kind {
inline constexpr const char* kCreate = "create";
inline constexpr const char* kUpgrade = "upgrade";
inline constexpr const char* kFlags = "flags";
inline constexpr const char* kSecrets = "secrets";
inline constexpr const char* kStart = "start";
inline constexpr const char* kStop = "stop";
inline constexpr const char* kRestart = "restart";
inline constexpr const char* kWipeDb = "wipe-db";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kRepair = "repair";
}  // namespace op_kind

class TenantPlans final : public PlanFactory {
 public:
  explicit TenantPlans(TenantSteps& steps) : steps_(steps) {}
  Result<std::vector<std::string>> StepNames(const std::string& kind) override;
  Result<Plan> Build(const Operation& op) override;

 private:
  TenantSteps& steps_;
};

}  // namespace md
