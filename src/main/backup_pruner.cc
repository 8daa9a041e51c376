#include "main/backup_pruner.h"

#include <chrono>
#include <cstdio>

namespace md {

constexpr auto kPruneInterval = std::chrono::hours(1);

BackupPruner::BackupPruner(Controller& controller) : controller_(controller), thread_([this] { Loop(); }) {}

BackupPruner::~BackupPruner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackupPruner::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto pruned = controller_.PruneBackups();
    if (!pruned.ok()) {
      std::fprintf(stderr, "meltanodata: pruning old backups failed: %s\n", pruned.status().message().c_str());
    } else if (*pruned > 0) {
      std::fprintf(stderr, "meltanodata: removed %d backup(s) past their retention\n", *pruned);
    }
    lock.lock();
    wake_.wait_for(lock, kPruneInterval, [this] { return stopping_; });
  }
}

}  // namespace md
