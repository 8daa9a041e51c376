#pragma once
// ControllerImpl: the use cases behind the API. Validates input, makes the
// decisions that must be immediate (placement on a cluster, port, names),
// records desired state in the store, and submits operations to the Runner.
// Thread-safe: placement and admission are serialised by one mutex.

#include <mutex>

#include "service/controller.h"
#include "service/deps.h"
#include "service/tenant_steps.h"
#include "workflow/runner.h"

namespace md {

struct ControllerOptions {
  int port_base = 20000;   // tenant apps listen on 127.0.0.1:[port_base, port_base + port_count)
  int port_count = 10000;
};

class ControllerImpl final : public Controller {
 public:
  ControllerImpl(ServiceDeps deps, TenantSteps& steps, Runner& runner, ControllerOptions options);

  Result<Operation> CreateInstance(const CreateRequest& request) override;
  Result<std::vector<Instance>> ListInstances() override;
  Result<Instance> GetInstance(const std::string& subdomain) override;
  Result<InstanceStatusReport> GetStatus(const std::string& subdomain) override;
  Result<LogChunk> ReadLogs(const std::string& subdomain, int lines, const std::string& cursor) override;
  Result<std::vector<Operation>> Upgrade(const std::vector<std::string>& subdomains, bool all,
                                         const std::string& version) override;
  Result<EnvMap> ListFlags(const std::string& subdomain) override;
  Result<Operation> ChangeFlags(const std::string& subdomain, const EnvMap& set,
                                const std::vector<std::string>& unset) override;
  Result<std::vector<std::string>> ListSecretNames(const std::string& subdomain) override;
  Result<Operation> ChangeSecrets(const std::string& subdomain, const EnvMap& set,
                                  const std::vector<std::string>& unset) override;
  Result<Operation> ChangeLifecycle(const std::string& subdomain, Lifecycle action) override;
  Result<Operation> WipeDatabase(const std::string& subdomain) override;
  Result<Operation> DeleteInstance(const std::string& subdomain) override;
  Result<std::vector<Cluster>> ListClusters() override;
  Result<Cluster> AddCluster(const std::string& name, const std::string& url, int capacity) override;
  Result<Cluster> DrainCluster(const std::string& name) override;
  Status RemoveCluster(const std::string& name) override;
  Result<std::vector<Operation>> ListOperations(const std::string& subdomain, int limit) override;
  Result<Operation> GetOperation(int64_t id) override;
  Result<std::vector<DoctorFinding>> Doctor(bool fix) override;

 private:
  // The instance, or NotFound naming it; FailedPrecondition for one being
  // deleted (only a delete may be asked for again).
  Result<Instance> ExistingInstance(const std::string& subdomain);
  Result<std::string> PickCluster();
  Result<int> PickPort(const std::vector<Instance>& instances);
  Status ValidateChanges(const EnvMap& set, const std::vector<std::string>& unset);

  ServiceDeps d_;
  TenantSteps& steps_;
  Runner& runner_;
  ControllerOptions options_;
  std::mutex admission_mu_;
};

}  // namespace md
