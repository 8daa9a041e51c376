#include "service/log_reader.h"

#include <sys/stat.h>

#include <deque>
#include <fstream>
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

long long FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : 0;
}

std::string ReadFrom(const std::string& path, long long offset, long long end) {
  std::ifstream in(path, std::ios::binary);
  if (!in || end <= offset) return "";
  in.seekg(offset);
  std::string text(static_cast<size_t>(end - offset), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
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
    long long size = FileSize(sources[i].path);
    std::string text;
    if (following) {
      long long from = offsets[i] < 0 || offsets[i] > size ? 0 : offsets[i];
      text = ReadFrom(sources[i].path, from, size);
    } else {
      // Enough of the end to hold `lines` lines of ordinary length.
      long long from = std::max(0LL, size - static_cast<long long>(lines) * 1024 - 1024);
      text = LastLines(ReadFrom(sources[i].path, from, size), lines);
      if (!text.empty()) text = "==> " + sources[i].label + " <==\n" + text;
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    chunk.text += text;
    chunk.cursor += (i ? "," : "") + std::to_string(size);
  }
  return chunk;
}

}  // namespace md
