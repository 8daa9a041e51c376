#pragma once
// BackupPruner: removes backups past their retention, once at start and then
// every hour, on its own thread, for as long as it lives.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/controller.h"

namespace md {

class BackupPruner {
 public:
  explicit BackupPruner(Controller& controller);
  ~BackupPruner();  // stops and joins the thread
  BackupPruner(const BackupPruner&) = delete;
  BackupPruner& operator=(const BackupPruner&) = delete;

 private:
  void Loop();

  Controller& controller_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace md
