#include "service/tenant_files.h"

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
  return "setpriv --reuid=" + std::to_string(uid) + " --regid=" + std::to_string(gid) + " --clear-groups --";
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string RenderEnvFile(const EnvMap& flags) {
  std::string out = "# Feature flags, written by MeltanoData: `meltanodata flags set` changes them.\n";
  for (const auto& [key, value] : flags) {
    if (IsPlain(value)) {
      out += key + "=" + value + "\n";
      continue;
    }
    std::string quoted;
    for (char c : value) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    out += key + "=\"" + quoted + "\"\n";
  }
  return out;
}

std::string RenderRunScript(const RunScriptSpec& spec) {
  std::string s = "#!/bin/sh\n# Written by MeltanoData; rewritten on every change.\nexec 2>&1\n";
  s += "for f in " + ShellQuote(spec.secrets_dir) + "/*; do\n";
  s += "  [ -f \"$f\" ] && export \"${f##*/}=$(cat \"$f\")\"\n";
  s += "done\n";
  s += "cd " + ShellQuote(spec.project_dir) + " || exit 111\n";
  s += "export HOME=" + ShellQuote(spec.project_dir) + " USER=" + ShellQuote(spec.user) +
       " LOGNAME=" + ShellQuote(spec.user) + "\n";
  for (const auto& [key, value] : spec.environment) s += "export " + key + "=" + ShellQuote(value) + "\n";
  s += "exec " + Setpriv(spec.uid, spec.gid);
  for (const auto& arg : spec.start) s += " " + ShellQuote(arg);
  return s + "\n";
}

std::string RenderLogScript(const std::string& logs_dir, uid_t uid, gid_t gid) {
  return "#!/bin/sh\nexec " + Setpriv(uid, gid) + " s6-log -b n10 s1000000 T " + ShellQuote(logs_dir) + "\n";
}

}  // namespace md
