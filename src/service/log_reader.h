#pragma once
// Reads the end of a tenant's log files, or what was appended to them since a
// cursor (for `logs --follow`). A file that shrank or was replaced (another
// inode) was rotated: it is read from its start again.

#include <string>
#include <vector>

#include "api/controller.h"
#include "core/status.h"
#include "drivers/tenant_fs/tenant_fs.h"

namespace md {

// A log file beneath a root the controller owns. The tenant owns the log's
// directory: the file is read through TenantFs, so a symlink, FIFO or hard
// link planted there is refused, never followed.
struct LogSource {
  std::string label;  // e.g. "app log", "service output"
  std::string root;
  std::string rel;
};

// Without a cursor: the last `lines` lines of each source, each under a
// "==> label <==" header (a refused file says why in one line). With a cursor
// from an earlier chunk: only new text, at most 1 MiB a source per call (the
// cursor then points at the rest).
Result<LogChunk> ReadLogFiles(TenantFs& files, const std::vector<LogSource>& sources, int lines,
                              const std::string& cursor);

}  // namespace md
