#pragma once
// MetricsCollector: the controller's metrics for Prometheus, gathered from
// the store (instances, operations, step timings, certificates, clusters),
// the backups on disk and each instance's cgroup at every scrape. Every
// label set is bounded: by the fixed statuses and operation kinds, the
// plans' step names, the certificates, the clusters and the instances.
// Thread-safe (its sources are).

#include <string>

#include "api/metrics_source.h"
#include "drivers/cgroup/cgroups.h"
#include "service/backup_steps.h"
#include "store/store.h"

namespace md {

class MetricsCollector final : public MetricsSource {
 public:
  MetricsCollector(Store& store, Cgroups& cgroups, BackupSteps& backups)
      : store_(store), cgroups_(cgroups), backups_(backups) {}

  Result<std::string> Exposition() override;

 private:
  Store& store_;
  Cgroups& cgroups_;
  BackupSteps& backups_;
};

}  // namespace md
