#include "service/tenant_files.h"

#include "core/strings.h"

#include <algorithm>

namespace md {
namespace {

bool IsPlain(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./:@,+-").find(c) != std::string_view::npos;
  });
}

std::string Setpriv(uid_t uid, gid_t gid) {
  return "/usr/bin/setpriv --reuid=" + std::to_string(uid) + " --regid=" + std::to_string(gid) +
         " --clear-groups --no-new-privs --";
}

}  // namespace

std::string RenderEnvFile(const EnvMap& flags) {
  std::string out = "# Feature flags, written by MeltanoData: `meltanodata flags set` changes them.\n";
  for (const auto& [key, value] : flags) {
    if (IsPlain(value)) {
      out += key + "=" + value + "\n";
      continue;
    }
    // Single quotes are literal for dotenv readers (no ${VAR} expansion).
    if (value.find('\'') == std::string::npos) {
      out += key + "='" + value + "'\n";
      continue;
    }
    std::string quoted;
    for (char c : value) {
      if (c == '"' || c == '\\' || c == '$') quoted += '\\';
      quoted += c;
    }
    out += key + "=\"" + quoted + "\"\n";
  }
  return out;
}

std::string RenderRunScript(const RunScriptSpec& spec) {
  std::string s = "#!/bin/sh\n# Written by MeltanoData; rewritten on every change.\nexec 2>&1\n";
  s += "cd " + ShellQuote(spec.project_dir) + " || exit 111\n";
  // In the cgroup first: every process the app ever forks is held to its limits.
  for (const auto& procs : spec.cgroup_procs) s += "echo $$ > " + ShellQuote(procs) + " || exit 111\n";
  // Scratch dirs of its own: nothing it leaves there reaches the host's, or
  // another tenant's, and they vanish with the namespace.
  std::string tmpfs = "-t tmpfs -o mode=1777,nosuid,nodev,size=" + std::to_string(spec.tmpfs_mb) + "m tmpfs";
  s += "exec /usr/bin/unshare --mount --propagation private /bin/sh -c '";
  for (const auto& dir : spec.private_dirs) s += "mount " + tmpfs + " " + dir + " || exit 111; ";  // fixed paths: no quoting inside the quotes
  s += "exec \"$@\"' sh \\\n";
  // A clean environment, then privileges dropped before anything of the
  // tenant's is read: the secrets are read by the tenant's own shell.
  s += "  /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=" + ShellQuote(spec.project_dir) +
       " USER=" + ShellQuote(spec.user) + " LOGNAME=" + ShellQuote(spec.user) + " \\\n";
  for (const auto& [key, value] : spec.environment) s += "  " + key + "=" + ShellQuote(value) + " \\\n";
  s += "  " + Setpriv(spec.uid, spec.gid) + " /bin/sh -c '\n";
  s += "for f in \"$1\"/*; do\n";
  s += "  n=${f##*/}\n";
  s += "  case $n in \"\"|[0-9]*|*[!A-Za-z0-9_]*) continue;; esac\n";
  s += "  [ -f \"$f\" ] && export \"$n=$(cat \"$f\")\"\n";
  s += "done\n";
  s += "shift\n";
  s += "exec \"$@\"' sh " + ShellQuote(spec.secrets_dir);
  for (const auto& arg : spec.start) s += " " + ShellQuote(arg);
  return s + "\n";
}

std::string RenderLogScript(const std::string& logs_dir, uid_t uid, gid_t gid) {
  return "#!/bin/sh\nexec " + Setpriv(uid, gid) + " s6-log -b n10 s1000000 T " + ShellQuote(logs_dir) + "\n";
}

}  // namespace md
