#pragma once
// TenantPlans: the step lists of every operation kind, built from
// TenantSteps, BackupSteps and the resource types. Policy about order,
// rollback and final status lives here.

#include "service/backup_steps.h"
#include "service/cert_manager.h"
#include "service/credentials.h"
#include "service/customer_mail.h"
#include "service/resources/resources.h"
#include "service/tenant_steps.h"
#include "workflow/plan.h"

namespace md {

namespace op_kind {
inline constexpr const char* kCreate = "create";
inline constexpr const char* kUpgrade = "upgrade";
inline constexpr const char* kFlags = "flags";
inline constexpr const char* kSecrets = "secrets";
inline constexpr const char* kLimits = "limits";
inline constexpr const char* kStart = "start";
inline constexpr const char* kStop = "stop";
inline constexpr const char* kRestart = "restart";
inline constexpr const char* kWipeDb = "wipe-db";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kRepair = "repair";
inline constexpr const char* kBackup = "backup";
inline constexpr const char* kRestore = "restore";    // a backup back into an existing instance
inline constexpr const char* kRecreate = "recreate";  // a deleted instance back from its backup
inline constexpr const char* kRotateCredentials = "rotate-credentials";
}  // namespace op_kind

class TenantPlans final : public PlanFactory {
 public:
  TenantPlans(TenantSteps& steps, BackupSteps& backups, Resources& resources, CertManager& certs, CustomerMail& mail)
      : steps_(steps), backups_(backups), resources_(resources), certs_(certs), mail_(mail), credentials_(steps, resources) {}
  Result<std::vector<std::string>> StepNames(const std::string& kind) override;
  Result<Plan> Build(const Operation& op) override;
  // Mail operations wait for a mail server apart from the instance's own
  // (an upgrade never queues behind a welcome that retries), one at a time.
  std::string LockKey(const Operation& op) override;

 private:
  TenantSteps& steps_;
  BackupSteps& backups_;
  Resources& resources_;
  CertManager& certs_;
  CustomerMail& mail_;
  const CredentialKinds credentials_;
};

}  // namespace md
