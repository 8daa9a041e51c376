#pragma once
// Output formatting of the CLI: aligned tables, durations, timestamps, JSON,
// the one-line error on stderr, and the exit code of a Status. Stateless.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "api/json_codec.h"
#include "core/status.h"

namespace md::cli {

// Exit codes of the command-line contract.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNotFound = 3;
inline constexpr int kExitConflict = 4;
inline constexpr int kExitInterrupted = 130;

int ExitCodeFor(Code code);

// Writes "error: MESSAGE" as one line to `err` and returns ExitCodeFor(status).
int PrintError(std::ostream& err, const Status& status);

// Columns padded to their widest cell (UTF-8 aware), two spaces apart.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "KEY:  value" lines with the keys aligned.
void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields);

// "0.12s", "12.3s", "2m05s".
std::string FormatDurationMs(int64_t ms);
// "3h04m", "2d03h", "45s".
std::string FormatUptime(int64_t seconds);
// "2026-03-01 12:00:00Z"; "-" for 0.
std::string FormatTime(int64_t ms);

// Pretty JSON and a newline.
void PrintJson(std::ostream& out, const Json& j);

// The number of display columns of a UTF-8 string (code points).
size_t DisplayWidth(const std::string& s);

}  // namespace md::cli
