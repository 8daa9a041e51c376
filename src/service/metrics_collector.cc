#include "service/metrics_collector.h"

#include <map>

#include "core/prom_text.h"
#include "service/layout.h"

namespace md {

namespace {

constexpr InstanceStatus kStatuses[] = {InstanceStatus::kProvisioning, InstanceStatus::kRunning,
                                        InstanceStatus::kIdle,         InstanceStatus::kStopped,
                                        InstanceStatus::kDegraded,     InstanceStatus::kFailed,
                                        InstanceStatus::kDeleting};

// Step durations from a few milliseconds (a config write) to minutes (an
// app install, a backup of a large database).
const std::vector<int64_t> kStepBoundsMs = {10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000};

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

void Instances(PromText& page, const std::vector<Instance>& instances) {
  std::map<InstanceStatus, int> by_status;
  for (const auto& inst : instances) ++by_status[inst.status];
  page.Family("meltanodata_instances", "gauge", "Instances by status.");
  for (InstanceStatus s : kStatuses) page.Sample("meltanodata_instances", {{"status", InstanceStatusName(s)}}, by_status[s]);
}

void Operations(PromText& page, const std::vector<OperationCount>& counts) {
  page.Family("meltanodata_operations_total", "counter", "Finished operations by kind and result, as the store keeps them.");
  for (const auto& c : counts) {
    if (c.state == OperationState::kSucceeded || c.state == OperationState::kFailed) {
      page.Sample("meltanodata_operations_total", {{"kind", c.kind}, {"result", OperationStateName(c.state)}},
                  static_cast<double>(c.count));
    }
  }
  page.Family("meltanodata_operations_unfinished", "gauge", "Operations queued or running, by kind and state.");
  for (const auto& c : counts) {
    if (c.state == OperationState::kQueued || c.state == OperationState::kRunning) {
      page.Sample("meltanodata_operations_unfinished", {{"kind", c.kind}, {"state", OperationStateName(c.state)}},
                  static_cast<double>(c.count));
    }
  }
}

void Steps(PromText& page, const std::vector<StepHistogram>& steps) {
  std::vector<double> bounds;
  for (int64_t ms : kStepBoundsMs) bounds.push_back(Seconds(ms));
  page.Family("meltanodata_step_duration_seconds", "histogram", "How long finished steps took (done or failed), by step name.");
  for (const auto& h : steps) {
    page.Histogram("meltanodata_step_duration_seconds", {{"step", h.step}}, bounds, h.le_counts, h.count, Seconds(h.sum_ms));
  }
}

void Certificates(PromText& page, const std::vector<CertRecord>& certs) {
  page.Family("meltanodata_certificate_expiry_timestamp_seconds", "gauge",
              "When each certificate the front door serves expires (Unix time); source acme or local (a stand-in).");
  for (const auto& c : certs) {
    if (c.not_after_ms <= 0) continue;  // none issued yet
    page.Sample("meltanodata_certificate_expiry_timestamp_seconds",
                {{"names", c.names}, {"purpose", c.purpose}, {"source", c.source}}, Seconds(c.not_after_ms));
  }
}

void Clusters(PromText& page, const std::vector<Cluster>& clusters) {
  page.Family("meltanodata_cluster_capacity", "gauge", "Instances a database cluster may hold.");
  for (const auto& c : clusters) page.Sample("meltanodata_cluster_capacity", {{"cluster", c.name}}, c.capacity);
  page.Family("meltanodata_cluster_used", "gauge", "Instances placed on a database cluster.");
  for (const auto& c : clusters) page.Sample("meltanodata_cluster_used", {{"cluster", c.name}}, c.used);
  page.Family("meltanodata_cluster_draining", "gauge", "1 if a database cluster takes no new instances.");
  for (const auto& c : clusters) page.Sample("meltanodata_cluster_draining", {{"cluster", c.name}}, c.draining ? 1 : 0);
}

// The newest backup of each instance there is (deleted instances' backups
// are left out: they would grow the label set with every delete).
void Backups(PromText& page, const std::vector<Instance>& instances, const std::vector<BackupManifest>& newest_first) {
  std::map<std::string, const BackupManifest*> newest;
  for (const auto& m : newest_first) newest.emplace(m.subdomain, &m);
  page.Family("meltanodata_backup_last_timestamp_seconds", "gauge", "When the newest checked backup of an instance was made (Unix time).");
  for (const auto& inst : instances) {
    if (auto it = newest.find(inst.subdomain); it != newest.end()) {
      page.Sample("meltanodata_backup_last_timestamp_seconds", {{"subdomain", inst.subdomain}}, Seconds(it->second->created_ms));
    }
  }
  page.Family("meltanodata_backup_last_size_bytes", "gauge", "Size of the newest checked backup of an instance.");
  for (const auto& inst : instances) {
    if (auto it = newest.find(inst.subdomain); it != newest.end()) {
      page.Sample("meltanodata_backup_last_size_bytes", {{"subdomain", inst.subdomain}},
                  static_cast<double>(it->second->total_bytes));
    }
  }
}

// Each instance's cgroup: what its processes use against their limits.
void Usage(PromText& page, Cgroups& cgroups, const std::vector<Instance>& instances) {
  std::vector<std::pair<std::string, CgroupUsage>> usage;
  for (const auto& inst : instances) {
    if (auto u = cgroups.Usage(Layout::CgroupName(inst.subdomain)); u.ok()) usage.emplace_back(inst.subdomain, *u);
  }
  struct Gauge {
    const char* name;
    const char* type;
    const char* help;
    double (*value)(const CgroupUsage&);
  };
  const Gauge gauges[] = {
      {"meltanodata_tenant_memory_bytes", "gauge", "Memory an instance's processes use (its cgroup).",
       [](const CgroupUsage& u) { return static_cast<double>(u.memory_bytes); }},
      {"meltanodata_tenant_memory_limit_bytes", "gauge", "An instance's memory limit.",
       [](const CgroupUsage& u) { return static_cast<double>(u.memory_max_bytes); }},
      {"meltanodata_tenant_pids", "gauge", "Processes and threads of an instance.",
       [](const CgroupUsage& u) { return static_cast<double>(u.pids); }},
      {"meltanodata_tenant_pids_limit", "gauge", "An instance's limit of processes and threads.",
       [](const CgroupUsage& u) { return static_cast<double>(u.pids_max); }},
      {"meltanodata_tenant_cpu_weight", "gauge", "An instance's CPU weight (100: an even share).",
       [](const CgroupUsage& u) { return static_cast<double>(u.cpu_weight); }},
  };
  for (const auto& g : gauges) {
    page.Family(g.name, g.type, g.help);
    for (const auto& [sub, u] : usage) page.Sample(g.name, {{"subdomain", sub}}, g.value(u));
  }
  page.Family("meltanodata_tenant_cpu_seconds_total", "counter",
              "CPU time an instance's processes used (where the kernel counts it per cgroup).");
  for (const auto& [sub, u] : usage) {
    if (u.cpu_usage_us >= 0) {
      page.Sample("meltanodata_tenant_cpu_seconds_total", {{"subdomain", sub}}, static_cast<double>(u.cpu_usage_us) / 1e6);
    }
  }
}

}  // namespace

Result<std::string> MetricsCollector::Exposition() {
  MD_ASSIGN_OR_RETURN(std::vector<Instance> instances, store_.ListInstances());
  MD_ASSIGN_OR_RETURN(std::vector<OperationCount> ops, store_.CountOperations());
  MD_ASSIGN_OR_RETURN(std::vector<StepHistogram> steps, store_.StepDurations(kStepBoundsMs));
  MD_ASSIGN_OR_RETURN(std::vector<CertRecord> certs, store_.ListCertificates());
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, store_.ListClusters());
  MD_ASSIGN_OR_RETURN(std::vector<BackupManifest> backups, backups_.List(""));
  PromText page;
  Instances(page, instances);
  Operations(page, ops);
  Steps(page, steps);
  Certificates(page, certs);
  Clusters(page, clusters);
  Backups(page, instances, backups);
  Usage(page, cgroups_, instances);
  return page.text();
}

}  // namespace md
