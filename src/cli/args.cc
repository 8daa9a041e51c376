#include "cli/args.h"

#include <charconv>

namespace md::cli {

std::vector<std::string> CanonicalizeArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool options_ended = false;
  for (const std::string& a : args) {
    if (options_ended) {
      out.push_back(a);
      continue;
    }
    if (a == "--") options_ended = true;
    if (a == "-o") {
      out.push_back("--output");
    } else if (a.rfind("-o=", 0) == 0) {
      out.push_back("--output=" + a.substr(3));
    } else if (a == "-h") {
      out.push_back("--help");
    } else {
      out.push_back(a);
    }
  }
  return out;
}

Result<ParsedArgs> ParseArgs(const std::vector<std::string>& args, const std::vector<FlagSpec>& spec) {
  ParsedArgs parsed;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_ended || a.size() < 2 || a[0] != '-') {
      parsed.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_ended = true;
      continue;
    }
    std::string name = a;
    std::string value;
    bool inline_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    const FlagSpec* flag = nullptr;
    for (const FlagSpec& f : spec) {
      if (f.name == name) flag = &f;
    }
    if (flag == nullptr) return InvalidArgument("unknown option " + name);
    if (!flag->takes_value) {
      if (inline_value) return InvalidArgument("option " + name + " takes no value");
      parsed.switches.insert(name);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return InvalidArgument("option " + name + " needs a value");
      value = args[++i];
    }
    parsed.values[name] = value;
  }
  return parsed;
}

std::vector<std::string> Positionals(const std::vector<std::string>& args, const std::set<std::string>& value_flags) {
  std::vector<std::string> out;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_ended || a.size() < 2 || a[0] != '-') {
      out.push_back(a);
    } else if (a == "--") {
      options_ended = true;
    } else if (value_flags.count(a)) {
      ++i;
    }
  }
  return out;
}

bool ParseInt(const std::string& text, long long min, long long max, long long* out) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace md::cli
