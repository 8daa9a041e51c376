#include "service/resources/resources.h"

#include <algorithm>

namespace md {

Resources::Resources(ServiceDeps deps, InstanceContext& ctx, FrontDoorResources front) : store_(deps.store) {
  types_.push_back(NewPgRoleType(deps, ctx));
  types_.push_back(NewPgDatabaseType(deps, ctx));
  types_.push_back(NewUnixUserType(deps, ctx));
  types_.push_back(NewDirectoriesType(deps, ctx));
  types_.push_back(NewFileAccountType(deps));
  types_.push_back(NewCgroupType(deps, ctx));
  types_.push_back(NewAppServiceType(deps, ctx));
  types_.push_back(NewWakeEntryType(deps, ctx));
  types_.push_back(NewDnsRecordsType(deps.store, front));
  types_.push_back(NewRouteType(deps.store, front));
}

ResourceType& Resources::Of(ResourceKind kind) const {
  for (const auto& type : types_) {
    if (type->traits().kind == kind) return *type;
  }
  std::abort();  // every ResourceKind has its type above
}

Status Resources::RemoveRecorded(ResourceType& type, const std::string& sub) {
  MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, store_.ListLedger(sub));
  for (const LedgerEntry& e : entries) {
    if (e.kind != type.traits().kind) continue;
    MD_RETURN_IF_ERROR(type.Remove(e.ref).WithContext(std::string("removing ") + ResourceKindName(e.kind) + " " + e.ref));
    MD_RETURN_IF_ERROR(store_.RemoveLedger(e.kind, e.ref));
  }
  return Status::Ok();
}

Status Resources::RollBack(const std::string& sub, int64_t op_id) {
  MD_ASSIGN_OR_RETURN(Operation op, store_.GetOperation(op_id));
  for (auto it = types_.rbegin(); it != types_.rend(); ++it) {
    ResourceType& type = **it;
    Status removed = RemoveRecorded(type, sub);
    if (removed.code() != Code::kUnavailable) {
      MD_RETURN_IF_ERROR(removed);
      continue;
    }
    bool made = std::any_of(op.steps.begin(), op.steps.end(), [&](const StepRecord& step) {
      return step.name == type.traits().ensure_step && step.state == StepState::kDone;
    });
    if (made) return removed;
    MD_ASSIGN_OR_RETURN(std::vector<LedgerEntry> entries, store_.ListLedger(sub));
    for (const LedgerEntry& e : entries) {
      if (e.kind == type.traits().kind) MD_RETURN_IF_ERROR(store_.RemoveLedger(e.kind, e.ref));
    }
  }
  return Status::Ok();
}

std::vector<Orphan> UnownedNames(const std::vector<std::string>& names, const std::string& prefix,
                                 const std::set<std::string>& owned) {
  std::vector<Orphan> orphans;
  for (const std::string& name : names) {
    if (name.rfind(prefix, 0) == 0 && !owned.count(name)) orphans.push_back({.ref = name});
  }
  return orphans;
}

}  // namespace md
