#pragma once
// Reads the end of a tenant's log files, or what was appended to them since a
// cursor (for `logs --follow`). A file that shrank was rotated: it is read
// from its start again.

#include <string>
#include <vector>

#include "core/status.h"
#include "service/controller.h"

namespace md {

struct LogSource {
  std::string label;  // e.g. "app log", "service output"
  std::string path;
};

// Without a cursor: the last `lines` lines of each source, each under a
// "==> label <==" header. With a cursor from an earlier chunk: only new text.
Result<LogChunk> ReadLogFiles(const std::vector<LogSource>& sources, int lines, const std::string& cursor);

}  // namespace md
