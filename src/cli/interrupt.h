#pragma once
// InterruptGuard: while alive, Ctrl-C (SIGINT) sets a flag instead of
// killing the process, so a wait or `logs --follow` can end cleanly. Restores
// the previous handler on destruction. One at a time; not thread-safe.

#include <csignal>

namespace md::cli {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  bool interrupted() const;

 private:
  struct sigaction previous_ {};
};

}  // namespace md::cli
