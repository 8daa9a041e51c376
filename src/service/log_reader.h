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
  // The file is read only if it resolves to a regular file beneath `root`:
  // the controller runs as root and the tenant owns the log's directory, so a
  // symlink planted there must not make it print another file.
  std::string root;
};

// Without a cursor: the last `lines` lines of each source, each under a
// "==> label <==" header. With a cursor from an earlier chunk: only new text,
// at most 1 MiB a source per call (the cursor then points at the rest).
Result<LogChunk> ReadLogFiles(const std::vector<LogSource>& sources, int lines, const std::string& cursor);

}  // namespace md
