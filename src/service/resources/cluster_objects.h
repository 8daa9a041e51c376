#pragma once
// What the two kinds of resource on a PostgreSQL cluster (a tenant's role
// and its database) share: their ledger reference "CLUSTER/NAME", and the
// orphan sweep over every cluster of the pool.

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "service/cluster_directory.h"
#include "service/resources/resource_type.h"

namespace md {

// A database or role, by the cluster it is on.
struct ClusterObject {
  Cluster cluster;
  std::string name;
};

// The cluster and name of a "CLUSTER/NAME" reference.
Result<ClusterObject> ResolveClusterRef(ClusterDirectory clusters, const std::string& ref);

// On each cluster, the names `list` gives (the tenant-looking ones) that are
// no owner's `owned` name. Only the embedded cluster is this controller's
// alone: on a shared one, an orphan is reported and kept. A cluster that does
// not answer is skipped.
Result<std::vector<Orphan>> ClusterOrphans(
    ClusterDirectory clusters, const std::vector<Instance>& owners, const std::function<std::string(const Instance&)>& owned,
    const std::function<Result<std::vector<std::string>>(const std::string& admin_url)>& list);

}  // namespace md
