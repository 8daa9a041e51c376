#pragma once
// BackupPruner: removes backups past their retention, and audit events and
// finished signups past theirs (service/record_retention.h), once at start
// and then every hour, on its own thread, for as long as it lives.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "api/controller.h"
#include "store/store.h"

namespace md {

class BackupPruner {
 public:
  BackupPruner(Controller& controller, Store& store, int64_t record_retention_ms);
  ~BackupPruner();  // stops and joins the thread
  BackupPruner(const BackupPruner&) = delete;
  BackupPruner& operator=(const BackupPruner&) = delete;

 private:
  void Loop();

  Controller& controller_;
  Store& store_;
  const int64_t record_retention_ms_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace md
