#pragma once
// Feature flags from the project's `.env`: KEY=VALUE lines, `#` comments,
// optional `export `, values optionally in '…' or "…" quotes. FlagStore holds
// the current set and re-reads the file on demand (SIGHUP); thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace md::demo {

using Flags = std::map<std::string, std::string>;

// Parses .env text. Malformed lines are skipped, each noted in `problems`
// (by line number, never by content) when that is given.
Flags ParseDotEnv(const std::string& text, std::vector<std::string>* problems = nullptr);

class FlagStore {
 public:
  explicit FlagStore(std::string path) : path_(std::move(path)) {}

  // Re-reads the file; a missing file means no flags. Returns the problems.
  std::vector<std::string> Reload();
  Flags Snapshot() const;

 private:
  const std::string path_;
  mutable std::mutex mu_;
  Flags flags_;  // guarded by mu_
};

}  // namespace md::demo
