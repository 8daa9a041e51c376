#pragma once
// The demo app's log: one timestamped line per request or event, appended to
// <project>/.meltano/run/meltano-ui.log (where Meltano logs) and to stdout (the
// supervisor's log). Thread-safe. Callers never pass a secret.

#include <cstdio>
#include <mutex>
#include <string>

namespace md::demo {

class DemoLog {
 public:
  // Creates the file's directories. If the file cannot be opened, logs to
  // stdout only and says so.
  explicit DemoLog(std::string path);
  ~DemoLog();
  DemoLog(const DemoLog&) = delete;
  DemoLog& operator=(const DemoLog&) = delete;

  void Line(const std::string& text);
  // Re-opens the file (after it was rotated or removed).
  void Reopen();

 private:
  void OpenLocked();

  const std::string path_;
  std::mutex mu_;
  FILE* file_ = nullptr;  // guarded by mu_
};

}  // namespace md::demo
