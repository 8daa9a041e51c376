#pragma once
// Runs a program (no shell) and captures its output. Used by the drivers that
// talk to command-line tools (useradd, s6-svc, initdb, app install steps).

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"

namespace md {

struct ProcessOptions {
  std::string cwd;                    // empty: inherit
  std::vector<std::string> env;       // extra KEY=VALUE entries on top of the current environment
  std::string input;                  // written to stdin, then closed
  int timeout_ms = 120000;            // killed (SIGKILL) past this
  // Descriptors (above 2) the caller opened and keeps owning, for a child
  // that must read or write a file it may not open itself (e.g. a tenant
  // process and a root-only archive). -1: stdin is `input`; stdout is
  // captured with stderr. With stdout_fd, `output` holds stderr alone.
  int stdin_fd = -1;                  // excludes `input`
  int stdout_fd = -1;
};

struct ProcessResult {
  int exit_code = 0;      // 128+signal when killed by a signal
  std::string output;     // stdout (unless redirected) and stderr, interleaved
};

// Runs argv[0] from PATH. Fails only if it cannot be started or times out;
// a non-zero exit is reported in the result.
Result<ProcessResult> RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Like RunProcess, but a non-zero exit is an Internal error naming the
// program and the last line of its output.
Result<std::string> RunChecked(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// `argv` run as uid:gid through setpriv: no supplementary groups, and no
// new privileges (a set-user-ID program does not raise them). Refuses root
// and -1 (which setpriv would take as "unchanged", i.e. still root).
Result<std::vector<std::string>> AsUser(uid_t uid, gid_t gid, const std::vector<std::string>& argv);

// The last non-empty line of `text`, trimmed; for error messages.
std::string LastLine(const std::string& text);

}  // namespace md
