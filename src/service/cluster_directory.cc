#include "service/cluster_directory.h"

namespace md {

Status ClusterDirectory::Insert(Cluster cluster) {
  MD_ASSIGN_OR_RETURN(cluster.admin_url, vault_.Seal(ContextOf(cluster.name), cluster.admin_url));
  return store_.InsertCluster(cluster);
}

Result<Cluster> ClusterDirectory::Opened(Cluster cluster) {
  auto url = vault_.Open(ContextOf(cluster.name), cluster.admin_url);
  if (!url.ok()) return url.status().WithContext("the admin URL of cluster '" + cluster.name + "'");
  cluster.admin_url = *url;
  return cluster;
}

Result<Cluster> ClusterDirectory::Get(const std::string& name) {
  MD_ASSIGN_OR_RETURN(Cluster cluster, store_.GetCluster(name));
  return Opened(std::move(cluster));
}

Result<std::vector<Cluster>> ClusterDirectory::List() {
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, store_.ListClusters());
  std::vector<Cluster> out;
  for (Cluster& c : clusters) {
    MD_ASSIGN_OR_RETURN(Cluster opened, Opened(std::move(c)));
    out.push_back(std::move(opened));
  }
  return out;
}

Result<int> ClusterDirectory::SealPlainAdminUrls() {
  MD_ASSIGN_OR_RETURN(std::vector<Cluster> clusters, store_.ListClusters());
  int sealed = 0;
  for (Cluster& c : clusters) {
    if (!IsClearUrl(c.admin_url)) continue;
    MD_ASSIGN_OR_RETURN(c.admin_url, vault_.Seal(ContextOf(c.name), c.admin_url));
    MD_RETURN_IF_ERROR(store_.UpdateCluster(c));
    ++sealed;
  }
  return sealed;
}

}  // namespace md
