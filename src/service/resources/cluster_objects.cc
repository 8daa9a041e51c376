#include "service/resources/cluster_objects.h"

#include "service/instance_context.h"

namespace md {

Result<ClusterObject> ResolveClusterRef(ClusterDirectory clusters, const std::string& ref) {
  size_t slash = ref.find('/');
  if (slash == std::string::npos) return InvalidArgument("not a CLUSTER/NAME reference: '" + ref + "'");
  MD_ASSIGN_OR_RETURN(Cluster cluster, clusters.Get(ref.substr(0, slash)));
  return ClusterObject{cluster, ref.substr(slash + 1)};
}

Result<std::vector<Orphan>> ClusterOrphans(
    ClusterDirectory directory, const std::vector<Instance>& owners, const std::function<std::string(const Instance&)>& owned,
    const std::function<Result<std::vector<std::string>>(const std::string& admin_url)>& list) {
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, directory.List());
  std::vector<Orphan> orphans;
  for (const Cluster& c : clusters) {
    std::set<std::string> names;
    for (const Instance& inst : owners) {
      if (inst.cluster == c.name) names.insert(owned(inst));
    }
    auto found = list(c.admin_url);
    if (!found.ok()) continue;
    for (const std::string& name : *found) {
      if (names.count(name)) continue;
      orphans.push_back({.ref = InstanceContext::ClusterRef(c.name, name),
                         .kept_because = c.embedded ? "" : "not removed from a shared cluster"});
    }
  }
  return orphans;
}

}  // namespace md
