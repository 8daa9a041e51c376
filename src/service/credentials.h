#pragma once
// The credentials of an instance that an operator may read (`credentials
// show`) and rotate (`credentials rotate`), as a small registry of kinds:
// which vault secret holds each, whose login it is, and what a new value
// needs, besides the tenant's secret files being rewritten and the app
// restarted, to take effect. Another kind is one more entry in
// CredentialKinds' constructor. Immutable once built; thread-safe.

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "service/resources/resources.h"
#include "service/tenant_steps.h"

namespace md {

// Random bytes (hex) of each generated password.
inline constexpr size_t kDbPasswordBytes = 24;
inline constexpr size_t kAdminPasswordBytes = 12;
inline constexpr size_t kFilesPasswordBytes = 12;

struct CredentialKind {
  std::string name;        // "admin", "db", "files"
  std::string secret_key;  // the vault secret holding the password, e.g. kDbPasswordKey
  size_t random_bytes = 0; // a new value: that many random bytes, as hex
  // The login's user name, and what it logs in to (`inst.url` is filled in).
  std::function<std::string(const Instance& inst)> username;
  std::function<std::string(const Instance& inst)> target;
  // Makes the value now in the vault the one in use (e.g. ALTER ROLE); idempotent.
  std::function<Status(const std::string& sub)> apply;
};

class CredentialKinds {
 public:
  // admin: the app's admin login (the profile's `set_admin_password`, if any);
  // db: the tenant's database role (its password set again on the cluster);
  // files: the tenant's SFTP and FTPS login (its password hash rewritten).
  CredentialKinds(TenantSteps& steps, Resources& resources);

  const std::vector<CredentialKind>& all() const { return kinds_; }
  // The kind named `name`, or every kind if it is empty; InvalidArgument
  // naming the known kinds for an unknown one.
  Result<std::vector<const CredentialKind*>> Select(const std::string& name) const;

 private:
  std::vector<CredentialKind> kinds_;
};

}  // namespace md
