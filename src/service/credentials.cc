#include "service/credentials.h"

#include "core/validate.h"

namespace md {

CredentialKinds::CredentialKinds(TenantSteps& steps, Resources& resources) {
  kinds_.push_back({.name = "admin",
                    .secret_key = kAdminPasswordKey,
                    .random_bytes = kAdminPasswordBytes,
                    .username = [](const Instance&) { return std::string("admin"); },
                    .target = [](const Instance& inst) { return inst.url; },
                    .apply = [&steps](const std::string& sub) { return steps.SetAdminPassword(sub); }});
  kinds_.push_back({.name = "db",
                    .secret_key = kDbPasswordKey,
                    .random_bytes = kDbPasswordBytes,
                    .username = [](const Instance& inst) { return inst.db_role; },
                    .target = [](const Instance& inst) {
                      return "database " + inst.db_name + " on cluster " + inst.cluster;
                    },
                    // Ensuring the role sets its password to the vault's (ALTER ROLE).
                    .apply = [&resources](const std::string& sub) {
                      return resources.Of(ResourceKind::kPgRole).Ensure(sub);
                    }});
  kinds_.push_back({.name = "files",
                    .secret_key = kFilesPasswordKey,
                    .random_bytes = kFilesPasswordBytes,
                    .username = [](const Instance& inst) { return inst.unix_user; },
                    .target = [](const Instance& inst) {
                      const FileAccessInfo& files = inst.file_access;
                      if (files.sftp_port == 0) return std::string("file access (off on this controller)");
                      return "SFTP (port " + std::to_string(files.sftp_port) + ") and FTPS (port " +
                             std::to_string(files.ftp_port) + ") at " + files.host;
                    },
                    // Ensuring the account writes the vault's password's hash.
                    .apply = [&resources](const std::string& sub) {
                      return resources.Of(ResourceKind::kFileAccount).Ensure(sub);
                    }});
}

Result<std::vector<const CredentialKind*>> CredentialKinds::Select(const std::string& name) const {
  std::vector<const CredentialKind*> out;
  std::string known;
  for (const auto& kind : kinds_) {
    if (name.empty() || name == kind.name) out.push_back(&kind);
    known += (known.empty() ? "" : ", ") + kind.name;
  }
  if (out.empty()) {
    return InvalidArgument("unknown credential kind '" + ForMessage(name, 32) + "'; the kinds are: " + known);
  }
  return out;
}

}  // namespace md
