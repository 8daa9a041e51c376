#include "main/waker_service.h"

#include <unistd.h>

#include <climits>

#include "core/strings.h"

namespace md {

Status InstallWakerService(Supervisor& supervisor, const std::string& data_dir) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0) return ErrnoStatus("cannot tell where meltanodata is (/proc/self/exe)");
  const std::string binary(self, static_cast<size_t>(n));
  return supervisor.Install({.name = "waker",
                             .run_script = "#!/bin/sh\n"
                                           "# The waker: the apps' door behind the proxy (scale to zero).\n"
                                           "exec 2>&1\n"
                                           "exec " + ShellQuote(binary) + " waker --data-dir " + ShellQuote(data_dir) +
                                           "\n"});
}

}  // namespace md
