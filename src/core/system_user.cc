#include "core/system_user.h"

#include <pwd.h>

#include <optional>
#include <vector>

#include "core/process.h"

namespace md {
namespace {

std::optional<Owner> Lookup(const std::string& name) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
  return Owner{found->pw_uid, found->pw_gid};
}

}  // namespace

Result<Owner> EnsureSystemUser(const std::string& name) {
  if (auto user = Lookup(name)) return *user;
  MD_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({"useradd", "--system", "--user-group", "--no-create-home", "--shell",
                                                   "/usr/sbin/nologin", name}));
  // 9: created meanwhile by someone else.
  if (r.exit_code != 0 && r.exit_code != 9) {
    return Internal("useradd " + name + " exited with " + std::to_string(r.exit_code) + ": " + LastLine(r.output));
  }
  if (auto user = Lookup(name)) return *user;
  return Internal("user " + name + " is missing after useradd");
}

}  // namespace md
