#include "service/log_reader.h"

#include <algorithm>
#include <deque>
#include <sstream>

namespace md {
namespace {

constexpr size_t kMaxChunk = 1 << 20;
// However many lines are asked for, a tail reads no more than this.
constexpr size_t kMaxTail = 8 << 20;

// Where a source was read up to, and which file that was.
struct Position {
  int64_t offset = -1;
  uint64_t ino = 0;
};

// "OFFSET_INO,OFFSET_INO,…" (characters the API lets through); a bare OFFSET is accepted too.
std::vector<Position> ParseCursor(const std::string& cursor, size_t n) {
  std::vector<Position> positions(n);
  std::stringstream ss(cursor);
  std::string part;
  for (size_t i = 0; i < n && std::getline(ss, part, ','); ++i) {
    try {
      positions[i].offset = std::stoll(part);
      size_t at = part.find('_');
      if (at != std::string::npos) positions[i].ino = std::stoull(part.substr(at + 1));
    } catch (...) {
      positions[i] = Position{};
    }
  }
  return positions;
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

Result<LogChunk> ReadLogFiles(TenantFs& files, const std::vector<LogSource>& sources, int lines,
                              const std::string& cursor) {
  LogChunk chunk;
  bool following = !cursor.empty();
  std::vector<Position> positions = ParseCursor(cursor, sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    const LogSource& source = sources[i];
    std::string text;
    Position next{0, 0};
    if (following) {
      // Where the last chunk stopped, unless the file shrank or was replaced
      // since (rotated): then from its start.
      const Position& at = positions[i];
      auto slice = files.ReadSlice(source.root, source.rel, std::max<int64_t>(at.offset, 0), kMaxChunk);
      if (slice.ok() && (at.offset < 0 || at.offset > slice->size || (at.ino != 0 && at.ino != slice->id.ino))) {
        slice = files.ReadSlice(source.root, source.rel, 0, kMaxChunk);
      }
      if (slice.ok()) {
        text = slice->data;
        next = {slice->offset + static_cast<int64_t>(text.size()), slice->id.ino};
      }
    } else {
      // Enough of the end to hold `lines` lines of ordinary length.
      size_t want = std::min(kMaxTail, static_cast<size_t>(lines) * 1024 + 1024);
      auto slice = files.ReadSlice(source.root, source.rel, -1, want);
      if (slice.ok()) {
        text = LastLines(slice->data, lines);
        next = {slice->size, slice->id.ino};
      } else if (slice.status().code() != Code::kNotFound) {
        text = "meltanodata: not shown: " + slice.status().message();
      }
      if (!text.empty()) text = "==> " + source.label + " <==\n" + text;
    }
    if (!following && !text.empty() && text.back() != '\n') text += '\n';
    chunk.text += text;
    chunk.cursor += (i ? "," : "") + std::to_string(next.offset) + "_" + std::to_string(next.ino);
  }
  return chunk;
}

}  // namespace md
