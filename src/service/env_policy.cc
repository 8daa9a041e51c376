#include "service/env_policy.h"

#include <algorithm>

#include "core/env_names.h"

namespace md {
namespace {

std::string PatternsText(const std::vector<std::string>& patterns) {
  std::string out;
  for (const std::string& p : patterns) out += (out.empty() ? "" : ", ") + p;
  return out;
}

Status CheckName(const AppProfile& profile, EnvKind kind, const std::string& name, const EnvMap& other) {
  const char* noun = kind == EnvKind::kFlag ? "flag" : "secret";
  if (IsReservedEnvName(name)) {
    return InvalidArgument(std::string(noun) + " '" + name + "' is refused: the platform reserves " +
                           ReservedEnvNamesText());
  }
  if (profile.environment.count(name) || profile.secret_environment.count(name)) {
    return InvalidArgument(std::string(noun) + " '" + name + "' is refused: the " + profile.name +
                           " profile sets it; choose another name");
  }
  if (kind == EnvKind::kFlag) {
    bool accepted = std::any_of(profile.flags.begin(), profile.flags.end(),
                                [&](const std::string& pattern) { return MatchesEnvPattern(pattern, name); });
    if (!accepted && profile.flags.empty()) {
      return InvalidArgument("flag '" + name + "' is refused: the " + profile.name + " profile accepts no flags");
    }
    if (!accepted) {
      return InvalidArgument("flag '" + name + "' is refused: the " + profile.name + " profile accepts " +
                             PatternsText(profile.flags));
    }
  }
  if (other.count(name)) {
    return kind == EnvKind::kFlag
               ? AlreadyExists("flag '" + name + "' would shadow the secret of that name; unset the secret first")
               : AlreadyExists("secret '" + name + "' would shadow the flag of that name; unset the flag first");
  }
  return Status::Ok();
}

}  // namespace

Status CheckEnvNames(const AppProfile& profile, EnvKind kind, const EnvMap& set,
                     const std::vector<std::string>& unset, const EnvMap& own, const EnvMap& other) {
  for (const auto& [name, value] : set) MD_RETURN_IF_ERROR(CheckName(profile, kind, name, other));
  for (const std::string& name : unset) {
    const bool platforms =
        IsReservedEnvName(name) || profile.environment.count(name) || profile.secret_environment.count(name);
    if (platforms && !own.count(name)) {
      return InvalidArgument(std::string(kind == EnvKind::kFlag ? "flag" : "secret") + " '" + name +
                             "' is set by the platform for the " + profile.name + " profile; it cannot be removed");
    }
  }
  return Status::Ok();
}

}  // namespace md
