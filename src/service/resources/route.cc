// An instance's route through the front door (ref: its subdomain): its
// custom domains to its app's socket. SUB.DOMAIN needs nothing of its own
// (one route serves every subdomain at its socket), so for an instance
// without custom domains the proxy is not changed. The proxy's configuration
// is computed from the ledger's routes on every change (FrontDoor::Sync), so
// the row goes first on removal, and nothing can be left on the proxy that
// the next change would not take away: there is no orphan sweep.

#include "core/clock.h"
#include "service/resources/resource_types.h"

namespace md {
namespace {

class RouteType final : public ResourceType {
 public:
  RouteType(Store& store, FrontDoorResources front) : store_(store), front_(std::move(front)) {}

  const ResourceTraits& traits() const override {
    static const ResourceTraits kTraits{ResourceKind::kRoute, ResourcePhase::kPublish, "add_route", "remove_route"};
    return kTraits;
  }

  Status Ensure(const std::string& sub) override {
    MD_RETURN_IF_ERROR(store_.AddLedger({.subdomain = sub, .kind = ResourceKind::kRoute, .ref = sub}).status());
    // An instance that needs its own certificate gets it first.
    MD_RETURN_IF_ERROR(front_.certs.Serve(NowMs()));
    return front_.door.Sync();
  }

  Status Remove(const std::string& sub) override {
    MD_RETURN_IF_ERROR(store_.RemoveLedger(ResourceKind::kRoute, sub));
    return front_.door.Sync();
  }

  Result<bool> Exists(const std::string& sub) override { return front_.door.Serves(sub); }

  Result<std::vector<Orphan>> FindOrphans(const std::vector<Instance>&) override { return std::vector<Orphan>{}; }

 private:
  Store& store_;
  FrontDoorResources front_;
};

}  // namespace

std::unique_ptr<ResourceType> NewRouteType(Store& store, FrontDoorResources front) {
  return std::make_unique<RouteType>(store, std::move(front));
}

}  // namespace md
