#include "service/instance_context.h"

#include <algorithm>

namespace md {

Result<TemplateVars> InstanceContext::Vars(const Instance& inst, const std::string& version) {
  MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(inst.subdomain));
  TemplateVars vars{
      {"subdomain", inst.subdomain},
      {"version", version},
      {"app_dir", d_.layout.app_dir(inst.subdomain, version)},
      {"project_dir", d_.layout.project_dir(inst.subdomain)},
      {"tenant_dir", d_.layout.tenant_dir(inst.subdomain)},
      {"socket", d_.layout.socket_path(inst.subdomain)},
      {"user", inst.unix_user},
      {"libexec", d_.libexec_dir},
      {"admin_password", secrets[kAdminPasswordKey]},
      {"secret_key", secrets[kSecretKeyKey]},
      {"password_salt", secrets[kPasswordSaltKey]},
      {"database_url", ""},
  };
  if (!inst.cluster.empty()) {
    MD_ASSIGN_OR_RETURN(std::string admin_url, AdminUrl(inst));
    MD_ASSIGN_OR_RETURN(vars["database_url"],
                        d_.database.TenantUrl(admin_url, inst.db_role, secrets[kDbPasswordKey], inst.db_name));
  }
  return vars;
}

Result<std::string> InstanceContext::AdminUrl(const Instance& inst) {
  MD_ASSIGN_OR_RETURN(Cluster cluster, d_.clusters().Get(inst.cluster));
  return cluster.admin_url;
}

Result<std::string> InstanceContext::TenantDatabaseUrl(const Instance& inst) {
  MD_ASSIGN_OR_RETURN(std::string admin_url, AdminUrl(inst));
  MD_ASSIGN_OR_RETURN(EnvMap secrets, d_.secrets().Get(inst.subdomain));
  MD_RETURN_IF_ERROR(d_.database.EnsureRole(admin_url, inst.db_role, secrets[kDbPasswordKey]));
  return d_.database.TenantUrl(admin_url, inst.db_role, secrets[kDbPasswordKey], inst.db_name);
}

Result<UnixUser> InstanceContext::TenantUser(const Instance& inst) { return d_.host.LookupUser(inst.unix_user); }

Result<ResourceLimits> InstanceContext::EffectiveLimits(const Instance& inst) {
  MD_ASSIGN_OR_RETURN(AppProfile profile, d_.profiles.Find(inst.app));
  ResourceLimits limits = profile.limits;
  if (inst.limits.memory_mb) limits.memory_mb = inst.limits.memory_mb;
  if (inst.limits.pids) limits.pids = inst.limits.pids;
  if (inst.limits.cpu_weight) limits.cpu_weight = inst.limits.cpu_weight;
  return limits;
}

Result<bool> InstanceContext::InLedger(const std::string& sub, ResourceKind kind, const std::string& ref) {
  MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, d_.store.ListLedger(sub));
  return std::any_of(entries.begin(), entries.end(),
                     [&](const LedgerEntry& e) { return e.kind == kind && e.ref == ref; });
}

}  // namespace md
