#pragma once
// Progress: how the CLI shows operations it waits for. Every finished step is
// one line ("✓ name  1.20s"); on a terminal a spinner line also shows each
// running step and how long it has run, redrawn in place and erased before
// any other output; elsewhere (a pipe, a file, TERM=dumb) only plain lines.
// A failed operation's error is printed once, on stderr: its first line as
// the error line, further lines (an app's last log lines) indented under it.
// Rendering only: the caller decides when to poll. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/types.h"

namespace md::cli {

class Progress {
 public:
  // `columns` > 0: `out` is a terminal that wide (spinner on); 0: plain lines.
  Progress(std::ostream& out, std::ostream& err, int columns) : out_(out), err_(err), columns_(columns) {}
  ~Progress() { Clear(); }

  // "create acme (operation #3)".
  void Started(const Operation& op);
  // A line of its own about an operation (queued behind another, the
  // controller not answering), `label` before it.
  void Note(const std::string& label, const std::string& text);
  // Prints the steps of `op` that finished since the last call, and notes
  // the running one for the spinner.
  void Update(const std::string& label, const Operation& op);
  // Redraws the spinner line (time passes); a no-op off a terminal.
  void Tick();
  // "✓ LINE (2.31s)".
  void Succeeded(const Operation& op, const std::string& line);
  // The error of a failed `op` on stderr, once; returns exit code 1.
  int Failed(const Operation& op);
  // Erases the spinner line, if shown.
  void Clear();

  // The error report of a failed operation, as Failed prints it (for tests).
  static std::string FailureReport(const Operation& op);

 private:
  struct Running {
    std::string label;
    std::string step;
    std::chrono::steady_clock::time_point since;
  };
  // Prints `text` (whole lines) above the spinner.
  void Emit(const std::string& text);

  std::ostream& out_;
  std::ostream& err_;
  const int columns_;
  std::map<int64_t, std::vector<bool>> printed_;  // per operation, per step
  std::map<int64_t, Running> running_;            // per operation, its running step
  bool spinner_shown_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace md::cli
