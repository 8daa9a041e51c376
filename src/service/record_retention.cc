#include "service/record_retention.h"

namespace md {

Result<int> PruneOldRecords(Store& store, int64_t before_ms) {
  MD_ASSIGN_OR_RETURN(int events, store.PruneAuditEvents(before_ms));
  MD_ASSIGN_OR_RETURN(int signups, store.PruneSignups(before_ms));
  return events + signups;
}

}  // namespace md
