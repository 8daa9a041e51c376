#include "main/backup_pruner.h"

#include <chrono>
#include <cstdio>

#include "core/clock.h"
#include "service/record_retention.h"

namespace md {

constexpr auto kPruneInterval = std::chrono::hours(1);

BackupPruner::BackupPruner(Controller& controller, Store& store, int64_t record_retention_ms)
    : controller_(controller),
      store_(store),
      record_retention_ms_(record_retention_ms),
      thread_([this] { Loop(); }) {}

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
    auto records = PruneOldRecords(store_, NowMs() - record_retention_ms_);
    if (!records.ok()) {
      std::fprintf(stderr, "meltanodata: pruning old audit events and signups failed: %s\n",
                   records.status().message().c_str());
    }
    lock.lock();
    wake_.wait_for(lock, kPruneInterval, [this] { return stopping_; });
  }
}

}  // namespace md
