#pragma once
// The controller's pid file, DATA/serve.pid: written by `serve` once it
// listens, removed when it stops; `halt` reads it to stop the controller.

#include <string>
#include <sys/types.h>

#include "core/status.h"

namespace md {

std::string ServePidPath(const std::string& data_dir);
Status WriteServePid(const std::string& data_dir);
void RemoveServePid(const std::string& data_dir);
// The pid of the `meltanodata serve` of `data_dir` if one runs; 0 if none
// (no file, or a stale one: that pid is gone or is another program).
pid_t RunningServePid(const std::string& data_dir);

}  // namespace md
