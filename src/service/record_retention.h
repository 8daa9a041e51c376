#pragma once
// PruneOldRecords: what the hourly pass removes so that the store does not
// grow without limit — audit events and finished signups older than the
// retention (`audit_retention_days`). Thread-safe as the store.

#include <cstdint>

#include "core/status.h"
#include "store/store.h"

namespace md {

// Removes audit events and finished signups from before `before_ms`;
// returns how many rows went.
Result<int> PruneOldRecords(Store& store, int64_t before_ms);

}  // namespace md
