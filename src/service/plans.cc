#include "service/plans.h"

#include <nlohmann/json.hpp>

namespace md {
namespace {

using json = nlohmann::json;

// Reads a string parameter that Submit was given; absent is empty.
std::string Param(const Operation& op, const char* key) {
  json params = json::parse(op.params, nullptr, /*allow_exceptions=*/false);
  if (!params.is_object() || !params.contains(key) || !params[key].is_string()) return "";
  return params[key].get<std::string>();
}

}  // namespace

Result<std::vector<std::string>> TenantPlans::StepNames(const std::string& kind) {
  Operation probe;
  probe.kind = kind;
  MD_ASSIGN_OR_RETURN(Plan plan, Build(probe));
  std::vector<std::string> names;
  for (const auto& step : plan.steps) names.push_back(step.name);
  return names;
}

Result<Plan> TenantPlans::Build(const Operation& op) {
  TenantSteps& s = steps_;
  const std::string sub = op.subdomain;
  const std::string& kind = op.kind;
  Plan plan;
  auto add = [&plan](const char* name, std::function<Status()> run) { plan.steps.push_back({name, std::move(run)}); };

  if (kind == op_kind::kCreate) {
    add("create_database", [&s, sub] { return s.CreateDatabase(sub); });
    add("create_user", [&s, sub] { return s.CreateUser(sub); });
    add("create_files", [&s, sub] { return s.CreateFiles(sub); });
    std::string version = Param(op, "version");
    add("install_app", [&s, sub, version] { return s.InstallVersion(sub, version); });
    add("switch_version", [&s, sub, version] { return s.SwitchVersion(sub, version); });
    add("init_project", [&s, sub] { return s.InitProject(sub); });
    add("write_flags", [&s, sub] { return s.WriteFlags(sub); });
    add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    add("start_service", [&s, sub] { return s.InstallService(sub); });
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
    // A create that fails takes back everything it made (walking the ledger),
    // so a failed signup leaves nothing behind and the subdomain is free again.
    plan.on_failure = [&s, sub, op_id = op.id](const Status& error) -> Status {
      Status undo = s.RollBackCreate(sub, op_id);
      if (undo.ok()) return Status(error.code(), error.message() + "\n(everything the create made was removed)");
      (void)s.SetStatus(sub, InstanceStatus::kFailed);
      return Status(error.code(), error.message() + "\n(undoing it failed too: " + undo.message() +
                                      "; remove what is left with `meltanodata delete " + sub + " --yes`)");
    };
  } else if (kind == op_kind::kUpgrade) {
    std::string to = Param(op, "to");
    // The version to roll back to is the one running when the upgrade starts
    // (not when it was submitted: another operation may run in between).
    std::string previous_key = "upgrade_from:" + std::to_string(op.id);
    add("note_previous", [&s, sub, previous_key] { return s.NotePreviousVersion(sub, previous_key); });
    add("install_version", [&s, sub, to] { return s.InstallVersion(sub, to); });
    add("switch_version", [&s, sub, to] { return s.SwitchVersion(sub, to); });
    add("record_version", [&s, sub, to] { return s.RecordVersion(sub, to); });
    add("restart_service", [&s, sub] { return s.RestartService(sub); });
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
    plan.on_failure = [&s, sub, to, previous_key](const Status& error) -> Status {
      auto from = s.PreviousVersion(previous_key);
      if (!from.ok()) return error;  // failed before anything was switched
      Status back = s.SwitchVersion(sub, *from);
      if (back.ok()) back = s.RecordVersion(sub, *from);
      if (back.ok()) back = s.RestartService(sub);
      if (back.ok()) back = s.WaitHealthy(sub);
      (void)s.SetStatus(sub, back.ok() ? InstanceStatus::kRunning : InstanceStatus::kDegraded);
      std::string outcome = back.ok() ? "rolled back to " + *from + ", which is serving"
                                      : "rollback to " + *from + " failed too: " + back.message();
      return Status(error.code(), "upgrade to " + to + " failed; " + outcome + "; " + error.message());
    };
  } else if (kind == op_kind::kFlags) {
    add("write_flags", [&s, sub] { return s.WriteFlags(sub); });
    add("reload_service", [&s, sub] { return s.ReloadService(sub); });
  } else if (kind == op_kind::kSecrets) {
    // A stopped instance stays stopped; it reads the new secrets when started.
    add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    add("restart_service", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.RestartService(sub); }); });
    add("wait_healthy", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.WaitHealthy(sub); }); });
  } else if (kind == op_kind::kStart || kind == op_kind::kRestart) {
    if (kind == op_kind::kStart) add("start_service", [&s, sub] { return s.StartService(sub); });
    else add("restart_service", [&s, sub] { return s.RestartService(sub); });
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
    plan.on_failure = [&s, sub](const Status& error) {
      (void)s.SetStatus(sub, InstanceStatus::kDegraded);
      return error;
    };
  } else if (kind == op_kind::kStop) {
    add("stop_service", [&s, sub] { return s.StopService(sub); });
    add("mark_stopped", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kStopped); });
  } else if (kind == op_kind::kWipeDb) {
    add("wipe_database", [&s, sub] { return s.WipeDatabase(sub); });
  } else if (kind == op_kind::kRepair) {
    // Recreates whatever of an instance is gone: every step is idempotent.
    add("create_database", [&s, sub] { return s.CreateDatabase(sub); });
    add("create_user", [&s, sub] { return s.CreateUser(sub); });
    add("create_files", [&s, sub] { return s.CreateFiles(sub); });
    add("install_app", [&s, sub] { return s.EnsureCurrentVersion(sub); });
    add("write_flags", [&s, sub] { return s.WriteFlags(sub); });
    add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    add("start_service", [&s, sub] { return s.InstallService(sub); });
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
  } else if (kind == op_kind::kDelete) {
    add("mark_deleting", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kDeleting); });
    add("remove_service", [&s, sub] { return s.RemoveService(sub); });
    add("drop_database", [&s, sub] { return s.DropDatabase(sub); });
    add("remove_user", [&s, sub] { return s.RemoveUser(sub); });
    add("remove_files", [&s, sub] { return s.RemoveFiles(sub); });
    add("forget_instance", [&s, sub] { return s.ForgetInstance(sub); });
  } else {
    return InvalidArgument("unknown operation kind '" + kind + "'");
  }
  return plan;
}

}  // namespace md
