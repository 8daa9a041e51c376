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

std::string TenantPlans::LockKey(const Operation& op) {
  // No subdomain holds ':', so the mail key is no instance's.
  if (op.kind == op_kind::kWelcome || op.kind == op_kind::kSignupMail) return "mail:";
  return op.subdomain;
}

Result<Plan> TenantPlans::Build(const Operation& op) {
  TenantSteps& s = steps_;
  const std::string sub = op.subdomain;
  const std::string& kind = op.kind;
  Plan plan;
  auto add = [&plan](const char* name, std::function<Status()> run) { plan.steps.push_back({name, std::move(run)}); };

  // A failed create or recreate takes back everything it made (walking the
  // ledger), so it leaves nothing behind and the subdomain is free again.
  Resources& r = resources_;
  auto roll_back_create = [&s, &r, sub, kind = op.kind, op_id = op.id](const Status& error) -> Status {
    Status undo = r.RollBack(sub, op_id);
    if (undo.ok()) undo = s.ForgetInstance(sub);
    if (undo.ok()) return Status(error.code(), error.message() + "\n(everything the " + kind + " made was removed)");
    (void)s.SetStatus(sub, InstanceStatus::kFailed);
    return Status(error.code(), error.message() + "\n(undoing it failed too: " + undo.message() +
                                    "; remove what is left with `meltanodata delete " + sub + " --yes --no-backup`)");
  };
  // Destructive operations stop the app first (a consistent backup, no open
  // connections); if they fail, a running instance is started again.
  auto restart_unless_stopped = [&s, sub](const Status& error) -> Status {
    auto status = s.StatusOf(sub);
    if (!status.ok() || *status == InstanceStatus::kDeleting) return error;
    Status back = s.UnlessStopped(sub, [&s, sub] {
      Status started = s.StartService(sub);
      return started.ok() ? s.WaitHealthy(sub) : started;
    });
    return Status(error.code(), error.message() + (back.ok() ? "\n(the instance was started again)"
                                                             : "\n(starting it again failed too: " + back.message() + ")"));
  };
  // What puts a provisioned instance in service: its configuration, the
  // supervised app, the health gate, its DNS records and route.
  // Each resource type of a phase, ensured in create's order.
  auto add_ensure_steps = [&](ResourcePhase phase) {
    for (const auto& type : r.in_create_order()) {
      if (type->traits().phase != phase) continue;
      add(type->traits().ensure_step, [t = type.get(), sub] { return t->Ensure(sub); });
    }
  };
  auto add_serving_steps = [&] {
    add("write_flags", [&s, sub] { return s.WriteFlags(sub); });
    add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    add_ensure_steps(ResourcePhase::kServe);
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add_ensure_steps(ResourcePhase::kPublish);
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
  };
  const std::string backup_id = BackupSteps::IdFor(op);
  BackupSteps& b = backups_;

  if (kind == op_kind::kCreate || kind == op_kind::kRecreate) {
    std::string version = Param(op, "version");
    if (kind == op_kind::kRecreate) {
      // The backup's passwords, before the role is made with one of them.
      std::string from = Param(op, "backup");
      add("restore_secrets", [&b, sub, from] { return b.RestoreSecrets(sub, from); });
    }
    add_ensure_steps(ResourcePhase::kProvision);
    add("install_app", [&s, sub, version] { return s.InstallVersion(sub, version); });
    add("switch_version", [&s, sub, version] { return s.SwitchVersion(sub, version); });
    if (kind == op_kind::kCreate) {
      add("init_project", [&s, sub] { return s.InitProject(sub); });
    } else {
      std::string from = Param(op, "backup");
      add("restore_database", [&b, sub, from] { return b.RestoreDatabase(sub, from); });
      add("restore_files", [&b, sub, from] { return b.RestoreFiles(sub, from); });
    }
    add_serving_steps();
    // The welcome email is an operation of its own: a mail server that is
    // down must never fail (and so roll back) the instance.
    add("queue_welcome", [&m = mail_, sub, op_id = op.id] {
      m.QueueWelcome(sub, op_id);
      return Status::Ok();
    });
    plan.on_failure = roll_back_create;
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
    ResourceType& waker = r.Of(ResourceKind::kWakeEntry);
    if (kind == op_kind::kStart) add("start_service", [&s, sub] { return s.StartService(sub); });
    else add("restart_service", [&s, sub] { return s.RestartService(sub); });
    add("wait_healthy", [&s, sub] { return s.WaitHealthy(sub); });
    add("mark_running", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kRunning); });
    // The waker may wake it again once it is idle.
    add(waker.traits().ensure_step, [&waker, sub] { return waker.Ensure(sub); });
    plan.on_failure = [&s, sub](const Status& error) {
      (void)s.SetStatus(sub, InstanceStatus::kDegraded);
      return error;
    };
  } else if (kind == op_kind::kLimits) {
    ResourceType& cgroup = r.Of(ResourceKind::kCgroup);
    add(cgroup.traits().ensure_step, [&cgroup, sub] { return cgroup.Ensure(sub); });
  } else if (kind == op_kind::kStop) {
    // Stopped first in the store and at the waker, so that no request wakes it while it stops.
    ResourceType& waker = r.Of(ResourceKind::kWakeEntry);
    add("mark_stopped", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kStopped); });
    add(waker.traits().ensure_step, [&waker, sub] { return waker.Ensure(sub); });
    add("stop_service", [&s, sub] { return s.StopService(sub); });
  } else if (kind == op_kind::kWipeDb || kind == op_kind::kRestore) {
    add("stop_service", [&s, sub] { return s.StopService(sub); });
    std::string reason = kind == op_kind::kWipeDb ? "before wipe-db" : "before restore";
    add("back_up", [&b, sub, backup_id, reason] { return b.Take(sub, backup_id, reason); });
    if (kind == op_kind::kWipeDb) {
      add("wipe_database", [&s, sub] { return s.WipeDatabase(sub); });
    } else {
      std::string from = Param(op, "backup");
      // The backup's secrets first: restoring the database sets the role's
      // password to the restored one.
      add("restore_secrets", [&b, sub, from] { return b.RestoreSecrets(sub, from); });
      add("restore_database", [&b, sub, from] { return b.RestoreDatabase(sub, from); });
      add("restore_files", [&b, sub, from] { return b.RestoreFiles(sub, from); });
      add("restore_flags", [&b, sub, from] { return b.RestoreFlags(sub, from); });
      add("write_flags", [&s, sub] { return s.WriteFlags(sub); });
      add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    }
    add("start_service", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.StartService(sub); }); });
    add("wait_healthy", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.WaitHealthy(sub); }); });
    plan.on_failure = restart_unless_stopped;
  } else if (kind == op_kind::kRotateCredentials) {
    // New values go to the vault, then to the tenant's files and wherever
    // else each is used (the role, the app's admin user), then the app
    // restarts with them. Data is untouched. A stopped instance stays stopped.
    auto selected = credentials_.Select(Param(op, "kind"));
    if (!selected.ok()) return selected.status();
    std::vector<const CredentialKind*> kinds = *selected;
    add("new_credentials", [&s, sub, kinds]() -> Status {
      for (const CredentialKind* k : kinds) MD_RETURN_IF_ERROR(s.RenewSecret(sub, k->secret_key, k->random_bytes));
      return Status::Ok();
    });
    add("write_secrets", [&s, sub] { return s.WriteSecrets(sub); });
    add("apply_credentials", [sub, kinds]() -> Status {
      for (const CredentialKind* k : kinds) MD_RETURN_IF_ERROR(k->apply(sub).WithContext(k->name + " credentials"));
      return Status::Ok();
    });
    add("restart_service", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.RestartService(sub); }); });
    add("wait_healthy", [&s, sub] { return s.UnlessStopped(sub, [&s, sub] { return s.WaitHealthy(sub); }); });
    // The vault may already hold values the role or the app does not: one
    // more try to put them in use, then the way to finish says how.
    plan.on_failure = [&s, sub, kinds, restart_unless_stopped](const Status& error) -> Status {
      Status applied = s.WriteSecrets(sub);
      for (const CredentialKind* k : kinds) {
        if (applied.ok()) applied = k->apply(sub);
      }
      Status failed = restart_unless_stopped(error);
      if (applied.ok()) return failed;
      return Status(failed.code(), failed.message() + "\n(the new passwords may not be in use everywhere yet: run "
                                                      "`meltanodata credentials rotate " + sub + "` again)");
    };
  } else if (kind == op_kind::kBackup) {
    add("back_up", [&b, sub, backup_id] { return b.Take(sub, backup_id, "on demand"); });
  } else if (kind == op_kind::kRepair) {
    // Recreates whatever of an instance is gone: every step is idempotent.
    add_ensure_steps(ResourcePhase::kProvision);
    add("install_app", [&s, sub] { return s.EnsureCurrentVersion(sub); });
    add_serving_steps();
  } else if (kind == op_kind::kDelete) {
    bool skip_backup = Param(op, "backup") == "skip";
    add("stop_service", [&s, sub] { return s.StopService(sub); });
    add("back_up", [&b, sub, backup_id, skip_backup] {
      return skip_backup ? Status::Ok() : b.Take(sub, backup_id, "before delete");
    });
    add("mark_deleting", [&s, sub] { return s.SetStatus(sub, InstanceStatus::kDeleting); });
    const auto& types = r.in_create_order();
    for (auto it = types.rbegin(); it != types.rend(); ++it) {
      add((*it)->traits().remove_step, [&r, t = it->get(), sub] { return r.RemoveRecorded(*t, sub); });
    }
    add("forget_instance", [&s, sub] { return s.ForgetInstance(sub); });
    // Certificates of custom domains no instance has any more are dropped, in the background.
    add("forget_certificates", [&c = certs_] {
      c.Wake();
      return Status::Ok();
    });
    plan.on_failure = restart_unless_stopped;
  } else if (kind == op_kind::kWelcome) {
    add("send_welcome", [&m = mail_, sub] { return m.SendWelcome(sub); });
    plan.steps.back().max_attempts = mail_.welcome_max_attempts();
    plan.on_failure = [&m = mail_, sub](const Status& error) {
      m.MarkWelcomeFailed(sub, error);
      return error;
    };
  } else if (kind == op_kind::kSignupMail) {
    std::string event = Param(op, "event");
    std::string reason = Param(op, "reason");
    add("send_signup_mail", [&m = mail_, event, reason] { return m.SendRejection(event, reason); });
    plan.steps.back().max_attempts = mail_.welcome_max_attempts();
  } else {
    return InvalidArgument("unknown operation kind '" + kind + "'");
  }
  return plan;
}

}  // namespace md
