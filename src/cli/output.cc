#include "cli/output.h"

#include <algorithm>
#include <cstdio>

namespace md::cli {

int ExitCodeFor(Code code) {
  switch (code) {
    case Code::kOk: return kExitOk;
    case Code::kInvalidArgument:
    case Code::kUnauthenticated: return kExitUsage;
    case Code::kNotFound: return kExitNotFound;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition: return kExitConflict;
    case Code::kUnavailable:
    case Code::kInternal: return kExitFailed;
  }
  return kExitFailed;
}

int PrintError(std::ostream& err, const Status& status) {
  std::string message = status.message().empty() ? CodeName(status.code()) : status.message();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  err << "error: " << message << "\n";
  err.flush();
  return ExitCodeFor(status.code());
}

size_t DisplayWidth(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  print(headers_);
  for (const auto& row : rows_) print(row);
}

void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [k, v] : fields) width = std::max(width, DisplayWidth(k));
  for (const auto& [k, v] : fields) {
    out << k << ":" << std::string(width - DisplayWidth(k) + 2, ' ') << v << "\n";
  }
}

std::string FormatDurationMs(int64_t ms) {
  if (ms < 0) ms = 0;
  char buf[32];
  if (ms < 10000) {
    snprintf(buf, sizeof(buf), "%.2fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 60000) {
    snprintf(buf, sizeof(buf), "%.1fs", static_cast<double>(ms) / 1000.0);
  } else {
    int64_t s = ms / 1000;
    snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  }
  return buf;
}

std::string FormatUptime(int64_t s) {
  char buf[32];
  if (s < 60) {
    snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    snprintf(buf, sizeof(buf), "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  } else if (s < 86400) {
    snprintf(buf, sizeof(buf), "%lldh%02lldm", static_cast<long long>(s / 3600),
             static_cast<long long>((s % 3600) / 60));
  } else {
    snprintf(buf, sizeof(buf), "%lldd%02lldh", static_cast<long long>(s / 86400),
             static_cast<long long>((s % 86400) / 3600));
  }
  return buf;
}

std::string FormatTime(int64_t ms) {
  if (ms == 0) return "-";
  std::string t = FormatTimestamp(ms);  // 2026-03-01T12:00:00.123Z
  return t.substr(0, 10) + " " + t.substr(11, 8) + "Z";
}

void PrintJson(std::ostream& out, const Json& j) { out << DumpJson(j, 2) << "\n"; }

}  // namespace md::cli
