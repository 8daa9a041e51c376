#pragma once
// ClusterDirectory: the pool's database clusters as the use cases see them.
// A cluster's admin URL holds a superuser's password, so the store keeps it
// sealed by the vault for "cluster/NAME"; it is opened here, where a
// connection needs it, and nowhere else. Holds references only; thread-safe
// as the store and vault are.

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "drivers/vault/vault.h"
#include "store/store.h"

namespace md {

class ClusterDirectory {
 public:
  ClusterDirectory(Store& store, Vault& vault) : store_(store), vault_(vault) {}

  // Stores `cluster` with its admin URL sealed.
  Status Insert(Cluster cluster);
  // The cluster, or every cluster (by name), with its admin URL opened.
  Result<Cluster> Get(const std::string& name);
  Result<std::vector<Cluster>> List();

  // Whether `url` is a PostgreSQL URL in clear (sealed text never is one).
  static bool IsClearUrl(const std::string& url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
  }

  // Seals the admin URLs an older version stored in clear; how many.
  Result<int> SealPlainAdminUrls();

 private:
  static std::string ContextOf(const std::string& name) { return "cluster/" + name; }
  Result<Cluster> Opened(Cluster cluster);

  Store& store_;
  Vault& vault_;
};

}  // namespace md
