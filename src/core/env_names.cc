#include "core/env_names.h"

#include <algorithm>
#include <iterator>

#include "core/validate.h"

namespace md {
namespace {

// Set by the run script (env -i ...), read by /bin/sh, the dynamic loader,
// glibc (its "unsecure" list, dropped for setuid programs) or Python, or
// the controller's own. Patterns as ValidateEnvPattern has them.
constexpr std::string_view kReserved[] = {
    "PATH",        "HOME",       "USER",        "LOGNAME",     "SHELL",          "PWD",
    "TMPDIR",      "IFS",        "ENV",         "BASH_ENV",    "BASHOPTS",       "SHELLOPTS",
    "CDPATH",      "PS4",        "LD_*",        "PYTHON*",     "MELTANODATA_*",  "GCONV_PATH",
    "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH",    "MALLOC_*",       "NIS_PATH",
    "NLSPATH",     "RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR",  "GLIBC_TUNABLES"};

}  // namespace

Status ValidateEnvPattern(std::string_view pattern) {
  const bool glob = !pattern.empty() && pattern.back() == '*';
  std::string_view name = glob ? pattern.substr(0, pattern.size() - 1) : pattern;
  if (name.empty()) return InvalidArgument("a flag pattern must name a prefix, as in \"MELTANO_*\"");
  if (name.find('*') != std::string_view::npos) {
    return InvalidArgument("'" + ForMessage(pattern) + "': a flag pattern may have one '*', at its end");
  }
  return ValidateEnvKey(name);
}

bool MatchesEnvPattern(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*') return name.starts_with(pattern.substr(0, pattern.size() - 1));
  return name == pattern;
}

bool IsReservedEnvName(std::string_view name) {
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view pattern) { return MatchesEnvPattern(pattern, name); });
}

const std::string& ReservedEnvNamesText() {
  static const std::string text = [] {
    std::string out;
    for (std::string_view pattern : kReserved) out += (out.empty() ? "" : ", ") + std::string(pattern);
    return out;
  }();
  return text;
}

}  // namespace md
