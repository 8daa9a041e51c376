#include "service/log_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

#include <deque>
#include <sstream>

namespace md {
namespace {

std::vector<long long> ParseCursor(const std::string& cursor, size_t n) {
  std::vector<long long> offsets(n, -1);
  std::stringstream ss(cursor);
  std::string part;
  for (size_t i = 0; i < n && std::getline(ss, part, ','); ++i) {
    try {
      offsets[i] = std::stoll(part);
    } catch (...) {
      offsets[i] = -1;
    }
  }
  return offsets;
}

constexpr long long kMaxChunk = 1 << 20;

// An open, read-only descriptor of `source`, or -1 if it is missing, not a
// regular file, or resolves outside its root.
int OpenConfined(const LogSource& source) {
  char resolved_root[PATH_MAX];
  char resolved[PATH_MAX];
  if (!realpath(source.root.c_str(), resolved_root) || !realpath(source.path.c_str(), resolved)) return -1;
  if (std::string(resolved).rfind(std::string(resolved_root) + "/", 0) != 0) return -1;
  int fd = open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  return fd;
}

// Bytes [offset, min(end, offset + kMaxChunk)) of the file.
std::string ReadRange(int fd, long long offset, long long end) {
  if (end <= offset) return "";
  std::string text(static_cast<size_t>(std::min(end - offset, kMaxChunk)), '\0');
  ssize_t n = pread(fd, text.data(), text.size(), offset);
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return text;
}

std::string LastLines(const std::string& text, int lines) {
  std::deque<size_t> starts;
  size_t pos = 0;
  while (pos < text.size()) {
    starts.push_back(pos);
    if (static_cast<int>(starts.size()) > lines) starts.pop_front();
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return starts.empty() || lines == 0 ? "" : text.substr(starts.front());
}

}  // namespace

Result<LogChunk> ReadLogFiles(const std::vector<LogSource>& sources, int lines, const std::string& cursor) {
  LogChunk chunk;
  bool following = !cursor.empty();
  std::vector<long long> offsets = ParseCursor(cursor, sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    int fd = OpenConfined(sources[i]);
    struct stat st {};
    long long size = fd >= 0 && fstat(fd, &st) == 0 ? static_cast<long long>(st.st_size) : 0;
    std::string text;
    long long next = size;
    if (following) {
      long long from = offsets[i] < 0 || offsets[i] > size ? 0 : offsets[i];
      text = fd >= 0 ? ReadRange(fd, from, size) : "";
      next = from + static_cast<long long>(text.size());
    } else if (fd >= 0) {
      // Enough of the end to hold `lines` lines of ordinary length.
      long long from = std::max(0LL, size - static_cast<long long>(lines) * 1024 - 1024);
      text = LastLines(ReadRange(fd, from, size), lines);
      if (!text.empty()) text = "==> " + sources[i].label + " <==\n" + text;
    }
    if (fd >= 0) close(fd);
    if (!following && !text.empty() && text.back() != '\n') text += '\n';
    chunk.text += text;
    chunk.cursor += (i ? "," : "") + std::to_string(next);
  }
  return chunk;
}

}  // namespace md
