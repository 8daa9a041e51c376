#include "flags.h"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/strings.h"

namespace md::demo {
namespace {

bool IsKey(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Unquotes a value; false when a quote is not closed.
bool ParseValue(const std::string& raw, std::string* out) {
  if (raw.empty()) {
    out->clear();
    return true;
  }
  char quote = raw[0];
  if (quote == '\'') {
    size_t close = raw.find('\'', 1);
    if (close == std::string::npos) return false;
    *out = raw.substr(1, close - 1);
    return true;
  }
  if (quote == '"') {
    std::string value;
    for (size_t i = 1; i < raw.size(); ++i) {
      char c = raw[i];
      if (c == '"') {
        *out = value;
        return true;
      }
      if (c == '\\' && i + 1 < raw.size()) {
        char next = raw[++i];
        value += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        continue;
      }
      value += c;
    }
    return false;
  }
  // Unquoted: a '#' after whitespace starts a comment.
  std::string value = raw;
  for (size_t i = 1; i < value.size(); ++i) {
    if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
      value.resize(i);
      break;
    }
  }
  *out = Trim(value);
  return true;
}

}  // namespace

Flags ParseDotEnv(const std::string& text, std::vector<std::string>* problems) {
  Flags flags;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (trimmed.rfind("export ", 0) == 0) trimmed = Trim(trimmed.substr(7));
    size_t eq = trimmed.find('=');
    std::string key = eq == std::string::npos ? "" : Trim(trimmed.substr(0, eq));
    std::string value;
    if (!IsKey(key) || !ParseValue(Trim(trimmed.substr(eq + 1)), &value)) {
      if (problems != nullptr) problems->push_back(".env line " + std::to_string(number) + " is not KEY=VALUE");
      continue;
    }
    flags[key] = value;
  }
  return flags;
}

std::vector<std::string> FlagStore::Reload() {
  std::vector<std::string> problems;
  Flags flags;
  struct stat st;
  if (stat(path_.c_str(), &st) == 0) {
    std::ifstream in(path_, std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    if (!in.is_open() || in.bad()) {
      problems.push_back("cannot read " + path_ + "; keeping the flags as they were");
      return problems;
    }
    flags = ParseDotEnv(text, &problems);
  } else if (errno != ENOENT) {
    problems.push_back("cannot stat " + path_ + "; keeping the flags as they were");
    return problems;
  }
  std::lock_guard<std::mutex> lock(mu_);
  flags_ = std::move(flags);
  return problems;
}

Flags FlagStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return flags_;
}

}  // namespace md::demo
