#pragma once
// ResourceType: one kind of thing an instance owns outside the store (a
// ResourceKind), and everything the controller does to it. Create's steps,
// its rollback, delete, doctor and the orphan sweep reach resources only
// through this interface (see Resources), so a new kind of resource is one
// new ResourceType.

#include <string>
#include <vector>

#include "core/status.h"
#include "core/types.h"

namespace md {

// When create makes a kind of resource.
enum class ResourcePhase {
  kProvision,  // before the app is installed: database, user, directories, cgroup
  kServe,      // once the app's configuration is written: its service
  kPublish,    // once the app is healthy: its DNS records and route
};

struct ResourceTraits {
  ResourceKind kind;
  ResourcePhase phase;
  const char* ensure_step;  // the steps' names in an operation's journal
  const char* remove_step;
};

// Something that looks like this controller's but no instance owns.
struct Orphan {
  std::string ref;
  std::string kept_because;  // non-empty: doctor --fix leaves it (e.g. on a shared cluster)
};

class ResourceType {
 public:
  virtual ~ResourceType() = default;
  virtual const ResourceTraits& traits() const = 0;

  // Makes what instance `sub` needs of this kind exist and match the store,
  // recording each resource in the ledger before it is made. Idempotent.
  virtual Status Ensure(const std::string& sub) = 0;
  // Removes the resource `ref` names (a ledger row's or an orphan's); gone
  // is success; Unavailable when its backend does not answer.
  virtual Status Remove(const std::string& ref) = 0;
  // Whether it is there; Unavailable when that cannot be told.
  virtual Result<bool> Exists(const std::string& ref) = 0;
  // What looks like this controller's but belongs to none of `owners`.
  virtual Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>& owners) = 0;
};

}  // namespace md
