#pragma once
// Resources: every ResourceType, in the order create makes them (delete and
// a failed create's rollback take them away in reverse), and what is done to
// all of one instance's resources of a type. Thread-safe as the types.

#include <memory>
#include <string>
#include <vector>

#include "service/resources/resource_types.h"
#include "store/store.h"

namespace md {

class Resources {
 public:
  // Every type this controller manages, over `deps` and the front door.
  Resources(ServiceDeps deps, InstanceContext& ctx, FrontDoorResources front);

  // Create's order: role, database, Unix user, directories, file account,
  // cgroup, service, DNS records, route.
  const std::vector<std::unique_ptr<ResourceType>>& in_create_order() const { return types_; }
  ResourceType& Of(ResourceKind kind) const;

  // Removes each resource of `type` the ledger records for `sub`, dropping
  // its row once it is gone.
  Status RemoveRecorded(ResourceType& type, const std::string& sub);
  // Removes every resource create operation `op_id` made of `sub`, in
  // reverse order. A resource whose backend does not answer is let go only
  // if the operation never finished the step that makes it (it was down
  // from the start).
  Status RollBack(const std::string& sub, int64_t op_id);

 private:
  Store& store_;
  std::vector<std::unique_ptr<ResourceType>> types_;
};

}  // namespace md
