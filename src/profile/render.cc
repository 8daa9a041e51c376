#include <algorithm>

#include "profile/profile.h"
#include "profile/template_scan.h"

namespace md {
namespace profile_internal {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Result<std::vector<TemplatePiece>> ScanTemplate(const std::string& text) {
  std::vector<TemplatePiece> pieces;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string::npos) {
      pieces.push_back({false, text.substr(pos)});
      break;
    }
    if (open > pos) pieces.push_back({false, text.substr(pos, open - pos)});
    size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      return InvalidArgument("unterminated '{{' in template \"" + text + "\"");
    }
    std::string inner = text.substr(open + 2, close - open - 2);
    size_t first = inner.find_first_not_of(' ');
    size_t last = inner.find_last_not_of(' ');
    std::string name = first == std::string::npos ? "" : inner.substr(first, last - first + 1);
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return InvalidArgument("malformed variable '{{" + inner + "}}' in template \"" + text + "\"");
    }
    pieces.push_back({true, std::move(name)});
    pos = close + 2;
  }
  return pieces;
}

}  // namespace profile_internal

const std::vector<std::string>& TemplateVariableNames() {
  static const std::vector<std::string> kNames = {
      "subdomain", "version", "app_dir", "project_dir",   "tenant_dir", "socket",       "database_url",
      "admin_password", "user", "libexec", "secret_key", "password_salt"};
  return kNames;
}

Result<std::string> RenderTemplate(const std::string& text, const TemplateVars& vars) {
  MD_ASSIGN_OR_RETURN(auto pieces, profile_internal::ScanTemplate(text));
  std::string out;
  for (const auto& piece : pieces) {
    if (!piece.is_variable) {
      out += piece.text;
      continue;
    }
    auto it = vars.find(piece.text);
    if (it == vars.end()) {
      return InvalidArgument("unknown template variable '" + piece.text + "' in \"" + text + "\"");
    }
    out += it->second;  // inserted as is: a value is never expanded again
  }
  return out;
}

Result<Argv> RenderArgv(const Argv& argv, const TemplateVars& vars) {
  Argv out;
  out.reserve(argv.size());
  for (const auto& arg : argv) {
    MD_ASSIGN_OR_RETURN(std::string rendered, RenderTemplate(arg, vars));
    out.push_back(std::move(rendered));
  }
  return out;
}

Result<EnvMap> RenderEnv(const EnvMap& env, const TemplateVars& vars) {
  EnvMap out;
  for (const auto& [key, value] : env) {
    auto rendered = RenderTemplate(value, vars);
    if (!rendered.ok()) return rendered.status().WithContext(key);
    out.emplace(key, std::move(rendered).value());
  }
  return out;
}

}  // namespace md
