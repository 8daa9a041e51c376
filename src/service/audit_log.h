#pragma once
// StoreAudit: the Audit that keeps events in the store's audit log. A failure
// to record is reported on stderr (never with the event's request body,
// which it does not have). Thread-safe as the store.

#include "core/audit.h"
#include "store/store.h"

namespace md {

class StoreAudit final : public Audit {
 public:
  explicit StoreAudit(Store& store) : store_(store) {}
  void Record(AuditEvent event) override;

 private:
  Store& store_;
};

}  // namespace md
